"""Tier evaluation, review and application: the writes (see ``evaluation`` for the
decision itself)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.core import audit, events
from openprm.core.errors import InvalidTransition, NotFound
from openprm.metrics import permissions, requirements
from openprm.metrics.evaluation import Direction, verdict
from openprm.metrics.models import RecommendationStatus, TierRecommendation
from openprm.notifications.services import notify
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment, Tier, TierRequirement
from openprm.programs.services import enrolment_change_tier
from openprm.tenancy.models import Membership

OPEN = (RecommendationStatus.PENDING, RecommendationStatus.APPROVED)


def recommendation_payload(item: TierRecommendation) -> dict:
    return {
        "id": str(item.public_id),
        "partner": item.partner_id,
        "enrolment": str(item.enrolment.public_id),
        "direction": item.direction,
        "from_tier": {"id": item.from_tier_id, "name": item.from_tier.name},
        "to_tier": {"id": item.to_tier_id, "name": item.to_tier.name},
        "status": item.status,
        "effective_at": item.effective_at.isoformat(),
        "missed": [row for row in item.results if row["outcome"] == "not_met"],
    }


def enrolments_to_evaluate(enrolment_ids=None, *, programme=None):
    """Active enrolments (all, these, or a programme's) with their programme's
    tiers and requirements (three queries)."""
    queryset = Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).select_related(
        "tier", "programme", "partner"
    )
    if enrolment_ids is not None:
        queryset = queryset.filter(pk__in=list(enrolment_ids))
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return queryset.prefetch_related(
        Prefetch(
            "programme__tiers",
            queryset=Tier.objects.order_by("rank").prefetch_related(
                Prefetch(
                    "requirements",
                    queryset=TierRequirement.objects.order_by("metric", "id"),
                )
            ),
        )
    )


def evaluate(enrolment: Enrolment, values: dict, *, requirements=None):
    """The verdict on an enrolment's figures, by its programme's requirements or
    by ``requirements(tier)`` (a simulation's edited ones)."""
    tiers = list(enrolment.programme.tiers.all())
    current = next(tier for tier in tiers if tier.pk == enrolment.tier_id)
    return verdict(
        tiers=tiers,
        current=current,
        values=values,
        requirements=requirements or (lambda tier: list(tier.requirements.all())),
    )


@transaction.atomic
def tiers_evaluate(*, actor=None, enrolment_ids=None, now=None) -> dict[str, int]:
    """Evaluate active enrolments (all, or these): a move opens (or refreshes) a
    recommendation and emits ``tier.recommended``; a partner whose figures
    recovered has its open recommendation withdrawn. Returns counts by
    direction."""
    if actor is not None:
        permissions.EVALUATE.ensure(actor)
    now = now or timezone.now()
    grace = datetime.timedelta(days=settings.OPENPRM_TIER_GRACE_DAYS)
    enrolments = list(enrolments_to_evaluate(enrolment_ids))
    values = requirements.evaluation_values(
        sorted({enrolment.partner_id for enrolment in enrolments})
    )
    open_by_enrolment = {
        item.enrolment_id: item
        for item in TierRecommendation.objects.filter(
            enrolment__in=enrolments, status__in=OPEN
        ).select_related("to_tier", "from_tier")
    }
    counts = {direction: 0 for direction in Direction.values}
    for enrolment in enrolments:
        found = evaluate(enrolment, values.get(enrolment.partner_id, {}))
        counts[found.direction] += 1
        existing = open_by_enrolment.get(enrolment.pk)
        if found.direction == Direction.KEEP:
            if existing is not None:
                existing.status = RecommendationStatus.WITHDRAWN
                existing.save(update_fields=["status", "updated_at"])
                audit.record_change(
                    actor=actor,
                    instance=existing,
                    before={"status": "pending"},
                    verb="tier.recommendation_withdrawn",
                )
            continue
        if (
            existing is not None
            and existing.to_tier_id == found.to_tier.pk
            and existing.direction == found.direction
        ):
            # The daily sweep finds most open recommendations as they were: only
            # changed figures are written (not one UPDATE per open one a day).
            if existing.results != found.results:
                existing.results = found.results
                existing.save(update_fields=["results", "updated_at"])
            continue
        if existing is not None:
            existing.status = RecommendationStatus.WITHDRAWN
            existing.save(update_fields=["status", "updated_at"])
        item = TierRecommendation.objects.create(
            partner_id=enrolment.partner_id,
            enrolment=enrolment,
            from_tier=enrolment.tier,
            to_tier=found.to_tier,
            direction=found.direction,
            results=found.results,
            evaluated_at=now,
            effective_at=now + grace if found.direction == Direction.DEMOTE else now,
        )
        audit.record_create(
            actor=actor,
            instance=item,
            fields=["direction", "from_tier", "to_tier", "effective_at"],
            verb="tier.recommended",
        )
        events.emit(
            "tier.recommended",
            payload=recommendation_payload(item),
            actor=actor,
            partner_id=item.partner_id,
        )
    return counts


def _apply(item: TierRecommendation, *, actor, now) -> None:
    missed = [row["reason"] for row in item.results if row["outcome"] == "not_met"]
    reason = _("Tier evaluation: %(from)s to %(to)s.") % {
        "from": item.from_tier.name,
        "to": item.to_tier.name,
    } + (" " + " ".join(missed) if missed else "")
    enrolment_change_tier(
        actor=actor, enrolment=item.enrolment, tier=item.to_tier, reason=reason
    )
    item.status, item.applied_at = RecommendationStatus.APPLIED, now
    item.save(update_fields=["status", "applied_at", "updated_at"])
    events.emit(
        "tier.changed",
        payload={**recommendation_payload(item), "reason": reason},
        actor=actor,
        partner_id=item.partner_id,
    )
    admins = [
        membership.user
        for membership in Membership.objects.filter(
            partner_id=item.partner_id, is_active=True
        ).select_related("user")
    ]
    notify(
        recipients=admins,
        kind="tier.changed",
        subject=_("Your tier is now %(tier)s") % {"tier": item.to_tier.name},
        body=reason,
        url=reverse("portal:programme"),
    )


@transaction.atomic
def recommendation_decide(
    *, actor, recommendation: TierRecommendation, approve: bool, note: str = ""
) -> TierRecommendation:
    """A reviewer approves (applied at once, or when a demotion's grace period
    ends) or rejects a pending recommendation."""
    permissions.REVIEW.ensure(actor)
    if (
        not TierRecommendation.objects.visible_to(actor)
        .filter(pk=recommendation.pk)
        .exists()
    ):
        raise NotFound
    locked = TierRecommendation.objects.select_for_update().get(pk=recommendation.pk)
    if locked.status != RecommendationStatus.PENDING:
        raise InvalidTransition(locked.status, "decided")
    now = timezone.now()
    before = audit.snapshot(locked, ["status"])
    locked.status = (
        RecommendationStatus.APPROVED if approve else RecommendationStatus.REJECTED
    )
    locked.decided_by, locked.decided_at, locked.note = actor, now, note.strip()
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "note", "updated_at"]
    )
    audit.record_change(
        actor=actor,
        instance=locked,
        before=before,
        verb="tier.recommendation_approved"
        if approve
        else "tier.recommendation_rejected",
    )
    if approve and locked.effective_at <= now:
        _apply(locked, actor=actor, now=now)
    return locked


@transaction.atomic
def recommendations_apply_due(*, now=None) -> int:
    """Apply approved recommendations whose grace period has ended (the sweep),
    as their approver."""
    now = now or timezone.now()
    due = list(
        TierRecommendation.objects.filter(
            status=RecommendationStatus.APPROVED, effective_at__lte=now
        ).select_related("enrolment", "from_tier", "to_tier", "decided_by")
    )
    for item in due:
        _apply(item, actor=item.decided_by, now=now)
    return len(due)


def recommendation_get(*, user, public_id) -> TierRecommendation:
    permissions.REVIEW.ensure(user)
    item = (
        TierRecommendation.objects.visible_to(user)
        .select_related("enrolment", "from_tier", "to_tier", "partner")
        .filter(public_id=public_id)
        .first()
    )
    if item is None:
        raise NotFound
    return item
