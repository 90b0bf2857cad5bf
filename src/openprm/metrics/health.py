"""Health scores, the writes: a programme's health model set by its definer, and
every enrolled partner's score computed from the month rollup (the nightly
sweep), kept with its history, with an alert to the partner's channel manager
when it falls (see ``healthscore`` for the judgement itself)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.core import audit, events
from openprm.core.errors import ValidationFailed
from openprm.core.models import AuditAction
from openprm.metrics import catalogue, healthscore, requirements
from openprm.metrics.models import HealthMeasure, HealthModel, PartnerHealth
from openprm.notifications.services import notify
from openprm.programs import permissions as programme_permissions
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment

MAX_MEASURES = 8


def health_payload(row: PartnerHealth, previous: Decimal | None) -> dict:
    return {
        "partner": row.partner_id,
        "enrolment": str(row.enrolment.public_id),
        "programme": str(row.enrolment.programme.public_id),
        "score": str(row.score),
        "previous": None if previous is None else str(previous),
        "is_at_risk": row.is_at_risk,
        "computed_at": row.computed_at.isoformat(),
    }


def _clean_measures(measures: list[dict]) -> list[HealthMeasure]:
    errors: dict[str, list[str]] = {}
    found, seen = [], set()
    for index, item in enumerate(measures):
        code = str(item.get("metric", ""))
        if catalogue.get_metric(code) is None:
            errors.setdefault(f"measures.{index}.metric", []).append(
                _("Choose a metric of the catalogue.")
            )
            continue
        if code in seen:
            errors.setdefault(f"measures.{index}.metric", []).append(
                _("This metric is already measured.")
            )
            continue
        seen.add(code)
        try:
            weight = int(item.get("weight", 1))
            target = Decimal(str(item.get("target", "")))
        except (TypeError, ValueError, ArithmeticError):
            errors.setdefault(f"measures.{index}.target", []).append(
                _("Give a number.")
            )
            continue
        if not 1 <= weight <= 100:
            errors.setdefault(f"measures.{index}.weight", []).append(
                _("Choose a weight from 1 to 100.")
            )
        if not target.is_finite() or target <= 0:
            errors.setdefault(f"measures.{index}.target", []).append(
                _("The target must be above zero.")
            )
            continue
        found.append(HealthMeasure(metric=code, weight=weight, target=target))
    if not found and not errors:
        errors["measures"] = [_("Measure at least one metric.")]
    if len(measures) > MAX_MEASURES:
        errors["measures"] = [_("At most %(count)s metrics.") % {"count": MAX_MEASURES}]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return found


@transaction.atomic
def health_model_set(
    *,
    actor,
    programme,
    at_risk_below: Decimal,
    alert_drop: Decimal,
    measures: list[dict],
) -> HealthModel:
    """Define (or redefine) a programme's health score: its weighted metrics with
    targets (``[{"metric", "weight", "target"}]``) and its alert lines. The next
    computation uses it."""
    programme_permissions.DEFINE.ensure(actor)
    errors = {}
    if not 0 <= Decimal(at_risk_below) <= 100:
        errors["at_risk_below"] = [_("Choose a score from 0 to 100.")]
    if not 0 < Decimal(alert_drop) <= 100:
        errors["alert_drop"] = [_("Choose from 1 to 100 points.")]
    try:
        cleaned = _clean_measures(measures)
    except ValidationFailed as error:
        errors.update(error.field_errors)
    if errors:
        raise ValidationFailed(field_errors=errors)
    model, created = HealthModel.objects.get_or_create(programme=programme)
    before = {
        **audit.snapshot(model, ["at_risk_below", "alert_drop"]),
        "measures": [
            [item.metric, item.weight, str(item.target)]
            for item in model.measures.all()
        ],
    }
    model.at_risk_below, model.alert_drop = at_risk_below, alert_drop
    model.save(update_fields=["at_risk_below", "alert_drop", "updated_at"])
    model.measures.all().delete()
    for item in cleaned:
        item.model = model
    HealthMeasure.objects.bulk_create(cleaned)
    after = {
        **audit.snapshot(model, ["at_risk_below", "alert_drop"]),
        "measures": [[item.metric, item.weight, str(item.target)] for item in cleaned],
    }
    audit.record(
        actor=actor,
        instance=model,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        changes={
            name: [None if created else before[name], after[name]]
            for name in after
            if created or before[name] != after[name]
        },
        verb="metrics.health_model_set",
    )
    return model


def _models(programme=None):
    queryset = HealthModel.objects.select_related("programme").prefetch_related(
        Prefetch("measures", queryset=HealthMeasure.objects.order_by("id"))
    )
    if programme is not None:
        queryset = queryset.filter(programme=programme)
    return list(queryset)


@transaction.atomic
def health_compute(
    *, programme=None, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Score every active enrolment of every programme with a health model (or of
    one programme) from the rollups: a changed score adds a history row and
    emits ``partner.health_changed``; a fall below the at-risk line or by the
    alert drop tells the partner's channel manager. Returns how many were
    scored, changed and alerted. A fixed number of queries per programme, then
    one event and one notice per change."""
    now = now or timezone.now()
    counts = {"scored": 0, "changed": 0, "alerted": 0}
    for model in _models(programme):
        measures = [
            healthscore.Measure(item.metric, item.weight, item.target)
            for item in model.measures.all()
        ]
        if not measures:
            continue
        enrolments = list(
            Enrolment.objects.filter(
                programme=model.programme, status=EnrolmentStatus.ACTIVE
            ).select_related("partner__channel_manager", "programme")
        )
        values = requirements.evaluation_values(
            sorted({item.partner_id for item in enrolments})
        )
        current = {
            row.enrolment_id: row
            for row in PartnerHealth.objects.filter(
                enrolment__in=enrolments, is_current=True
            )
        }
        fresh, alerts = [], []
        for enrolment in enrolments:
            counts["scored"] += 1
            score, breakdown = healthscore.score(
                measures, values.get(enrolment.partner_id, {})
            )
            was = current.get(enrolment.pk)
            if was is not None and was.score == score and was.breakdown == breakdown:
                continue
            row = PartnerHealth(
                partner_id=enrolment.partner_id,
                enrolment=enrolment,
                score=score,
                breakdown=breakdown,
                is_at_risk=score < model.at_risk_below,
                computed_at=now,
            )
            fresh.append((row, was))
            reason = healthscore.alert_reason(
                previous=None if was is None else was.score,
                current=score,
                at_risk_below=model.at_risk_below,
                alert_drop=model.alert_drop,
            )
            if reason:
                alerts.append((enrolment, reason))
        if not fresh:
            continue
        PartnerHealth.objects.filter(
            pk__in=[was.pk for _row, was in fresh if was is not None]
        ).update(is_current=False)
        PartnerHealth.objects.bulk_create([row for row, _was in fresh])
        for row, was in fresh:
            events.emit(
                "partner.health_changed",
                payload=health_payload(row, None if was is None else was.score),
                partner_id=row.partner_id,
            )
        counts["changed"] += len(fresh)
        for enrolment, reason in alerts:
            partner = enrolment.partner
            if partner.channel_manager is None:
                continue
            notify(
                recipients=[partner.channel_manager],
                kind="partner.at_risk",
                subject=_("%(partner)s is at risk") % {"partner": partner.name},
                body=reason,
                url=reverse("console:partner_detail", args=[partner.public_id]),
            )
            counts["alerted"] += 1
    return counts
