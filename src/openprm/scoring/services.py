"""Every write of scorecards, criteria, scores and score runs.

Definitions are for vendor admins, audited and announced (``scorecard.*``). Scores
are derived data: a recompute adds a history row only when a score or its reasons
changed, and announces it (``partner.scored``); the bulk run reports its progress on
its ``ScoreRun``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import ValidationFailed
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.scoring import permissions, tasks
from openprm.scoring import scorecards as rules
from openprm.scoring.choices import CriterionKind
from openprm.scoring.models import Criterion, PartnerScore, Scorecard, ScoreRun
from openprm.scoring.selectors import active_scorecards, custom_field_types

SCORECARD_FIELDS = ["name", "description", "is_active", "applies_to_statuses"]
CRITERION_FIELDS = ["scorecard", "label", "field", "kind", "weight", "config"]
BATCH_SIZE = 1000


# --- payloads


def scorecard_payload(scorecard: Scorecard) -> dict:
    return {
        "id": str(scorecard.public_id),
        "name": scorecard.name,
        "is_active": scorecard.is_active,
        "applies_to_statuses": list(scorecard.applies_to_statuses),
    }


def criterion_payload(criterion: Criterion) -> dict:
    return {
        "id": criterion.pk,
        "scorecard": str(criterion.scorecard.public_id),
        "label": criterion.label,
        "field": criterion.field,
        "kind": criterion.kind,
        "weight": criterion.weight,
    }


# --- scorecards


def _clean_scorecard(*, name: str, applies_to_statuses) -> dict:
    field_errors = {}
    name = (name or "").strip()
    statuses = sorted(set(applies_to_statuses or []))
    if not name:
        field_errors["name"] = [str(_("Enter a name."))]
    if unknown := [item for item in statuses if item not in PartnerStatus.values]:
        field_errors["applies_to_statuses"] = [
            str(_("Unknown statuses: %(items)s.") % {"items": ", ".join(unknown)})
        ]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return {"name": name, "applies_to_statuses": statuses}


@transaction.atomic
def scorecard_create(
    *,
    actor,
    name: str,
    description: str = "",
    applies_to_statuses: list[str] | None = None,
    is_active: bool = True,
) -> Scorecard:
    permissions.DEFINE.ensure(actor)
    cleaned = _clean_scorecard(name=name, applies_to_statuses=applies_to_statuses)
    scorecard = Scorecard.objects.create(
        **cleaned, description=description.strip(), is_active=is_active
    )
    audit.record_create(
        actor=actor,
        instance=scorecard,
        fields=SCORECARD_FIELDS,
        verb="scorecard.created",
    )
    events.emit("scorecard.created", payload=scorecard_payload(scorecard), actor=actor)
    return scorecard


@transaction.atomic
def scorecard_update(
    *,
    actor,
    scorecard: Scorecard,
    name: str | None = None,
    description: str | None = None,
    applies_to_statuses: list[str] | None = None,
    is_active: bool | None = None,
) -> Scorecard:
    """Change what is given (``None`` keeps a value)."""
    permissions.DEFINE.ensure(actor)
    cleaned = _clean_scorecard(
        name=scorecard.name if name is None else name,
        applies_to_statuses=(
            scorecard.applies_to_statuses
            if applies_to_statuses is None
            else applies_to_statuses
        ),
    )
    before = audit.snapshot(scorecard, SCORECARD_FIELDS)
    for field, value in cleaned.items():
        setattr(scorecard, field, value)
    if description is not None:
        scorecard.description = description.strip()
    if is_active is not None:
        scorecard.is_active = is_active
    entry = audit.record_change(
        actor=actor, instance=scorecard, before=before, verb="scorecard.updated"
    )
    if entry is None:
        return scorecard
    scorecard.save(update_fields=[*SCORECARD_FIELDS, "updated_at"])
    events.emit(
        "scorecard.updated",
        payload={**scorecard_payload(scorecard), "changes": entry.changes},
        actor=actor,
    )
    return scorecard


def scorecard_deactivate(*, actor, scorecard: Scorecard) -> Scorecard:
    """Stop scoring with a scorecard; its scores stay as history."""
    return scorecard_update(actor=actor, scorecard=scorecard, is_active=False)


# --- criteria


def _clean_criterion(*, label: str, field: str, kind: str, weight, config) -> dict:
    field_errors: dict[str, list[str]] = {}
    label, field = (label or "").strip(), (field or "").strip()
    if not label:
        field_errors["label"] = [str(_("Enter a label."))]
    if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
        field_errors["weight"] = [str(_("Enter a whole number, 1 or more."))]
    elif weight > 100:
        field_errors["weight"] = [str(_("Enter a weight of at most 100."))]
    if kind not in CriterionKind.values:
        field_errors["kind"] = [str(_("Choose a kind."))]
    kinds = rules.kinds_for_field(field, custom_field_types())
    if not kinds:
        field_errors["field"] = [str(_("Not a field a scorecard can read."))]
    elif kind in CriterionKind.values and kind not in kinds:
        field_errors["kind"] = [
            str(
                _("This field is scored with: %(kinds)s.")
                % {"kinds": ", ".join(str(CriterionKind(item).label) for item in kinds)}
            )
        ]
    cleaned_config = None
    if kind in CriterionKind.values:
        try:
            cleaned_config = rules.clean_config(kind, config)
        except ValueError as error:
            field_errors["config"] = [str(error)]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return {
        "label": label,
        "field": field,
        "kind": kind,
        "weight": weight,
        "config": cleaned_config,
    }


@transaction.atomic
def criterion_create(
    *,
    actor,
    scorecard: Scorecard,
    label: str,
    field: str,
    kind: str,
    config: dict,
    weight: int = 1,
) -> Criterion:
    permissions.DEFINE.ensure(actor)
    cleaned = _clean_criterion(
        label=label, field=field, kind=kind, weight=weight, config=config
    )
    criterion = Criterion.objects.create(scorecard=scorecard, **cleaned)
    audit.record_create(
        actor=actor,
        instance=criterion,
        fields=CRITERION_FIELDS,
        verb="scorecard.criterion_added",
    )
    events.emit(
        "scorecard.criterion_added", payload=criterion_payload(criterion), actor=actor
    )
    return criterion


@transaction.atomic
def criterion_update(
    *,
    actor,
    criterion: Criterion,
    label: str | None = None,
    field: str | None = None,
    kind: str | None = None,
    config: dict | None = None,
    weight: int | None = None,
) -> Criterion:
    permissions.DEFINE.ensure(actor)
    cleaned = _clean_criterion(
        label=criterion.label if label is None else label,
        field=criterion.field if field is None else field,
        kind=criterion.kind if kind is None else kind,
        weight=criterion.weight if weight is None else weight,
        config=criterion.config if config is None else config,
    )
    before = audit.snapshot(criterion, CRITERION_FIELDS)
    for name, value in cleaned.items():
        setattr(criterion, name, value)
    entry = audit.record_change(
        actor=actor,
        instance=criterion,
        before=before,
        verb="scorecard.criterion_changed",
    )
    if entry is None:
        return criterion
    criterion.save(update_fields=[*cleaned, "updated_at"])
    events.emit(
        "scorecard.criterion_changed",
        payload={**criterion_payload(criterion), "changes": entry.changes},
        actor=actor,
    )
    return criterion


@transaction.atomic
def criterion_delete(*, actor, criterion: Criterion) -> None:
    permissions.DEFINE.ensure(actor)
    payload = criterion_payload(criterion)
    audit.record_delete(
        actor=actor,
        instance=criterion,
        fields=CRITERION_FIELDS,
        verb="scorecard.criterion_removed",
    )
    criterion.delete()
    events.emit("scorecard.criterion_removed", payload=payload, actor=actor)


# --- scores


def _rules_of(scorecard: Scorecard) -> list[rules.Rule]:
    return [
        rules.Rule(
            id=criterion.pk,
            label=criterion.label,
            field=criterion.field,
            kind=criterion.kind,
            weight=criterion.weight,
            config=criterion.config,
        )
        for criterion in scorecard.criteria.all()
    ]


@dataclass(frozen=True)
class Scored:
    """What scoring reads of one partner: its id, status and profile values."""

    partner_id: int
    status: str
    values: dict


class Previous(NamedTuple):
    """The current score a recompute replaces (read without a model instance)."""

    pk: int
    score: Decimal
    breakdown: list


def _score_partners(
    partners: Sequence[Scored], scorecards: Sequence[Scorecard]
) -> list[tuple[PartnerScore, Previous | None]]:
    """Score ``partners`` on ``scorecards`` with one read of their current scores
    and at most one UPDATE and one INSERT; returns each new row with the one it
    replaced. A partner outside a scorecard's statuses leaves its ranking (its last
    score stays as history); an unchanged score writes nothing."""
    scorecards = [card for card in scorecards if card.criteria.all()]
    if not partners or not scorecards:
        return []
    rows = (
        PartnerScore.objects.filter(
            partner_id__in=[partner.partner_id for partner in partners],
            scorecard_id__in=[card.pk for card in scorecards],
            is_current=True,
        )
        .order_by()
        .values_list("id", "partner_id", "scorecard_id", "score", "breakdown")
    )
    current = {
        (partner_id, card_id): Previous(pk, score, breakdown)
        for pk, partner_id, card_id, score, breakdown in rows
    }
    card_rules = {card.pk: _rules_of(card) for card in scorecards}
    now = timezone.now()
    retired, created = [], []
    for partner in partners:
        for card in scorecards:
            previous = current.get((partner.partner_id, card.pk))
            if not card.applies_to(partner.status):
                if previous is not None:
                    retired.append(previous.pk)
                continue
            result = rules.compute(card_rules[card.pk], partner.values)
            if previous is not None and previous.score == result.score:
                breakdown = result.breakdown()
                if previous.breakdown == breakdown:
                    continue
            else:
                breakdown = result.breakdown()
            if previous is not None:
                retired.append(previous.pk)
            row = PartnerScore(
                partner_id=partner.partner_id,
                scorecard=card,
                score=result.score,
                breakdown=breakdown,
                computed_at=now,
                is_current=True,
            )
            created.append((row, previous))
    if retired:
        PartnerScore.objects.filter(pk__in=retired).update(is_current=False)
    if created:
        PartnerScore.objects.bulk_create([row for row, _previous in created])
    return created


def score_payload(score: PartnerScore, previous: Previous | None) -> dict:
    return {
        "partner": score.partner_id,
        "partner_public_id": str(score.partner.public_id),
        "scorecard": str(score.scorecard.public_id),
        "score": str(score.score),
        "previous_score": None if previous is None else str(previous.score),
    }


def partner_score_recompute(
    *, partner: Partner, scorecards: Iterable[Scorecard] | None = None
) -> list[PartnerScore]:
    """Score one partner on every active scorecard; returns the new history rows.

    Idempotent: an unchanged score writes nothing. Two concurrent recomputes of the
    same partner cannot both hold a current row (a partial unique constraint); the
    loser's work is the winner's, so it is dropped.
    """
    cards = list(scorecards) if scorecards is not None else active_scorecards()
    scored = Scored(partner.pk, partner.status, rules.partner_values(partner))
    try:
        with transaction.atomic():
            created = _score_partners([scored], cards)
            for row, previous in created:
                row.partner = partner
                events.emit(
                    "partner.scored",
                    payload=score_payload(row, previous),
                    partner_id=partner.pk,
                )
    except IntegrityError:
        return []
    return [row for row, _previous in created]


# --- bulk runs


def score_run_payload(run: ScoreRun) -> dict:
    return {
        "id": str(run.public_id),
        "total": run.total,
        "done": run.done,
        "changed": run.changed,
    }


@transaction.atomic
def score_run_start(*, actor) -> ScoreRun:
    """Recompute every partner's scores in the worker; the run shows the progress."""
    permissions.DEFINE.ensure(actor)
    run = ScoreRun.objects.create(requested_by=actor, total=Partner.objects.count())
    audit.record_create(
        actor=actor, instance=run, fields=["total"], verb="score_run.started"
    )
    events.emit("score_run.started", payload=score_run_payload(run), actor=actor)

    transaction.on_commit(lambda: tasks.recompute_all_scores.enqueue(run.pk))
    return run


def score_run_execute(*, run: ScoreRun, batch_size: int = BATCH_SIZE) -> ScoreRun:
    """Work through every partner in id order, a batch per transaction, so that the
    progress is visible while it runs and a crash keeps what was done."""
    ScoreRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now(), total=Partner.objects.count()
    )
    cards = active_scorecards()
    # Only the columns the criteria read, as dictionaries: no model instances, no
    # JSON decoded that no criterion needs.
    columns = set().union(*(rules.columns_read(_rules_of(card)) for card in cards))
    columns = sorted({"id", "status", *columns})
    last_id = 0
    while True:
        rows = list(
            Partner.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values(*columns)[:batch_size]
        )
        if not rows:
            break
        batch = [
            Scored(row["id"], row["status"], rules.row_values(row)) for row in rows
        ]
        with transaction.atomic():
            created = _score_partners(batch, cards)
            ScoreRun.objects.filter(pk=run.pk).update(
                done=F("done") + len(batch), changed=F("changed") + len(created)
            )
        last_id = rows[-1]["id"]
    with transaction.atomic():
        ScoreRun.objects.filter(pk=run.pk).update(finished_at=timezone.now())
        run.refresh_from_db()
        events.emit("score_run.finished", payload=score_run_payload(run))
    return run
