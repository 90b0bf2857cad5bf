"""REST endpoints of the metrics: the catalogue, a partner's figures per period
(with or without the partners beneath it), the rollups' rebuilds, and the
simulation of edited tier requirements, tier recommendations (list, approve or
reject) and evaluations run now."""

import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Query, Schema
from pydantic import Field

from openprm.core.api import ApiRouter, StrictSchema, as_uuid, lookup
from openprm.core.errors import NotFound
from openprm.currencies import money
from openprm.metrics import (
    catalogue,
    health,
    periods,
    permissions,
    selectors,
    simulation,
    tiers,
)
from openprm.metrics.models import RecommendationStatus
from openprm.programs import permissions as programme_permissions
from openprm.programs import selectors as programme_selectors

router = ApiRouter(tags=["metrics"])


class MetricOut(Schema):
    code: str
    name: str
    unit: str
    aggregation: str
    series: list[str]
    fed_by: list[str]
    description: str


class FigureOut(Schema):
    code: str
    name: str
    unit: str
    value: Decimal | None = Field(description="null: nothing to divide by yet")


class MonthOut(Schema):
    month: str
    metrics: dict[str, Decimal | None]


class PartnerMetricsOut(Schema):
    partner: UUID
    first_month: str
    last_month: str
    include_downstream: bool
    reporting_currency: str
    metrics: list[FigureOut]
    months: list[MonthOut] | None = None


class MetricsQuery(StrictSchema):
    first_month: str = Field(
        "", description="YYYY-MM; default 11 months before the last"
    )
    last_month: str = Field("", description="YYYY-MM; default this month")
    include_downstream: bool = Field(
        False, description="Add the partners beneath this one that you may see"
    )
    by_month: bool = Field(False, description="Also each month's figures")


class RebuildOut(Schema):
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    first_day: datetime.date
    last_day: datetime.date
    cells: int
    drifted: int
    sample: list[dict]


def _metric_out(metric: catalogue.Metric) -> dict:
    return {
        "code": metric.code,
        "name": str(metric.label),
        "unit": metric.unit,
        "aggregation": metric.aggregation,
        "series": list(metric.series),
        "fed_by": metric.fed_by,
        "description": str(metric.description),
    }


@router.get(
    "/metrics/catalogue",
    response=list[MetricOut],
    summary="The metric catalogue: each metric's unit, aggregation and sources",
)
def metric_catalogue(request):
    """A list, not paged: the catalogue is defined in code."""
    permissions.READ.ensure(request.user)
    return [_metric_out(metric) for metric in catalogue.metrics()]


@router.get(
    "/partners/{partner_id}/metrics",
    response=PartnerMetricsOut,
    summary="A partner's metrics over whole months, optionally with its downstream",
)
def partner_metrics(request, partner_id: UUID, filters: Query[MetricsQuery]):
    partner = selectors.partner_for_metrics(user=request.user, public_id=partner_id)
    period = periods.period_from(filters.first_month, filters.last_month)
    ids = selectors.measured_partner_ids(
        user=request.user,
        partner=partner,
        include_downstream=filters.include_downstream,
    )
    values = selectors.metric_values(partner_ids=ids, period=period)
    body = {
        "partner": partner.public_id,
        "first_month": period.first.strftime("%Y-%m"),
        "last_month": period.last.strftime("%Y-%m"),
        "include_downstream": filters.include_downstream,
        "reporting_currency": money.reporting_currency(),
        "metrics": [
            {
                "code": metric.code,
                "name": str(metric.label),
                "unit": metric.unit,
                "value": values[metric.code],
            }
            for metric in catalogue.metrics()
        ],
    }
    if filters.by_month:
        body["months"] = [
            {"month": row["month"].strftime("%Y-%m"), "metrics": row["values"]}
            for row in selectors.metric_months(partner_ids=ids, period=period)
        ]
    return body


@router.list(
    "/metrics/rebuilds",
    response=RebuildOut,
    summary="The rollups' rebuilds, newest first, with the drift each found "
    "(vendor admins)",
)
def rebuild_list(request):
    return selectors.rebuild_runs(user=request.user)


class EditedRequirementIn(StrictSchema):
    id: int = Field(description="A requirement of one of the programme's tiers")
    threshold: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class SimulationIn(StrictSchema):
    requirements: list[EditedRequirementIn] = Field(
        default_factory=list, description="New thresholds; the others stay"
    )
    months: int = Field(
        selectors.REQUIREMENT_MONTHS,
        ge=1,
        le=simulation.MAX_MONTHS,
        description="Evaluation window: the last N months, this one included",
    )


class VerdictOut(Schema):
    direction: str
    tier: str


class MoveOut(Schema):
    partner: UUID
    partner_name: str
    enrolment: UUID
    tier: str
    today: VerdictOut
    simulated: VerdictOut
    differences: list[dict] = Field(
        description="Requirements judged otherwise by the edited rules: metric, "
        "operator, threshold, value, outcome, reason, left, tier, "
        "threshold_today, value_today, outcome_today"
    )


class SimulationOut(Schema):
    months: int
    evaluated: int
    today: dict[str, int]
    simulated: dict[str, int]
    moving_up: int
    moving_down: int
    moves: list[MoveOut]


def _verdict_out(found) -> dict:
    return {"direction": str(found.direction), "tier": found.to_tier.name}


@router.post(
    "/programmes/{programme_id}/simulations",
    response=SimulationOut,
    summary="Try edited tier requirements on every enrolled partner, saving "
    "nothing (vendor admins)",
)
def programme_simulate(request, programme_id: str, payload: SimulationIn):
    """Each active enrolment judged by today's requirements and by the edited
    ones; ``moves`` lists the partners whose recommendation would change."""
    programme = lookup(
        request,
        programme_selectors.programme_get,
        rule=programme_permissions.DEFINE,
        public_id=as_uuid(programme_id),
    )
    found = simulation.simulate(
        user=request.user,
        programme=programme,
        thresholds={row.id: row.threshold for row in payload.requirements},
        months=payload.months,
    )
    return {
        "months": found.months,
        "evaluated": found.evaluated,
        "today": found.today,
        "simulated": found.simulated,
        "moving_up": len(found.moving_up),
        "moving_down": len(found.moving_down),
        "moves": [
            {
                "partner": move.partner.public_id,
                "partner_name": move.partner.name,
                "enrolment": move.enrolment.public_id,
                "tier": move.enrolment.tier.name,
                "today": _verdict_out(move.today),
                "simulated": _verdict_out(move.simulated),
                "differences": move.differences,
            }
            for move in found.moves
        ],
    }


# --- tier recommendations and evaluations


class RecommendedTierOut(Schema):
    id: int
    name: str


class RecommendationOut(Schema):
    id: UUID
    partner: UUID
    partner_name: str
    programme: str
    enrolment: UUID
    direction: str
    from_tier: RecommendedTierOut
    to_tier: RecommendedTierOut
    status: str
    evaluated_at: datetime.datetime
    effective_at: datetime.datetime
    results: list[dict] = Field(
        description="Every requirement judged: metric, operator, threshold, value, "
        "outcome, reason, left"
    )
    decided_by: str | None
    decided_at: datetime.datetime | None
    note: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj) -> UUID:
        return obj.partner.public_id

    @staticmethod
    def resolve_partner_name(obj) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_programme(obj) -> str:
        return obj.enrolment.programme.name

    @staticmethod
    def resolve_enrolment(obj) -> UUID:
        return obj.enrolment.public_id

    @staticmethod
    def resolve_decided_by(obj) -> str | None:
        return obj.decided_by.email if obj.decided_by else None


class RecommendationQuery(StrictSchema):
    status: RecommendationStatus | None = Field(
        None, description="pending, approved, rejected, withdrawn or applied"
    )


class TierDecisionIn(StrictSchema):
    note: str = Field("", max_length=1000)


class EvaluationOut(Schema):
    promote: int
    keep: int
    demote: int


@router.list(
    "/tier-recommendations",
    response=RecommendationOut,
    summary="Tier recommendations of the partners in your scope, open first "
    "(channel managers, vendor admins)",
)
def recommendation_list(request, filters: Query[RecommendationQuery]):
    return selectors.recommendation_list(user=request.user, status=filters.status or "")


def _decide(request, recommendation_id: UUID, payload: TierDecisionIn, *, approve):
    item = lookup(
        request,
        tiers.recommendation_get,
        rule=permissions.REVIEW,
        public_id=recommendation_id,
    )
    decided = tiers.recommendation_decide(
        actor=request.user, recommendation=item, approve=approve, note=payload.note
    )
    return selectors.recommendation_list(user=request.user).get(pk=decided.pk)


@router.post(
    "/tier-recommendations/{recommendation_id}/approve",
    response=RecommendationOut,
    summary="Approve a pending recommendation: a promotion applies at once, a "
    "demotion when its grace period ends",
)
def recommendation_approve(request, recommendation_id: UUID, payload: TierDecisionIn):
    return _decide(request, recommendation_id, payload, approve=True)


@router.post(
    "/tier-recommendations/{recommendation_id}/reject",
    response=RecommendationOut,
    summary="Reject a pending recommendation: the tier stays",
)
def recommendation_reject(request, recommendation_id: UUID, payload: TierDecisionIn):
    return _decide(request, recommendation_id, payload, approve=False)


@router.post(
    "/tier-evaluations",
    response=EvaluationOut,
    summary="Evaluate every active enrolment now: counts by direction",
)
def tiers_evaluate(request):
    return tiers.tiers_evaluate(actor=request.user)


# --- health scores


class HealthPointOut(Schema):
    score: Decimal
    computed_at: datetime.datetime


class PartnerHealthOut(Schema):
    partner: UUID
    partner_name: str
    programme: UUID
    programme_name: str
    enrolment: UUID
    score: Decimal
    is_at_risk: bool
    computed_at: datetime.datetime
    breakdown: list[dict] = Field(
        description="Per metric: metric, label, weight, target, value, points, reason"
    )

    @staticmethod
    def resolve_partner(obj) -> UUID:
        return obj.partner.public_id

    @staticmethod
    def resolve_partner_name(obj) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_programme(obj) -> UUID:
        return obj.enrolment.programme.public_id

    @staticmethod
    def resolve_programme_name(obj) -> str:
        return obj.enrolment.programme.name

    @staticmethod
    def resolve_enrolment(obj) -> UUID:
        return obj.enrolment.public_id


class PartnerHealthTrendOut(PartnerHealthOut):
    change: Decimal | None = Field(description="Since the score before; null: first")
    trend: list[HealthPointOut] = Field(description="The last scores, oldest first")


@router.get(
    "/partners/{partner_id}/health",
    response=list[PartnerHealthTrendOut],
    summary="A partner's health score per programme, with its reasons and trend",
)
def partner_health(request, partner_id: UUID):
    """A list, not paged: one row per programme the partner is in, each with its
    last 12 scores (not the whole history)."""
    partner = selectors.partner_for_metrics(user=request.user, public_id=partner_id)
    found = []
    for item in selectors.health_for_partner(partner_ids=[partner.pk]):
        row = item["health"]
        row.change, row.trend = item["change"], item["trend"]
        found.append(row)
    return found


@router.list(
    "/health/at-risk",
    response=PartnerHealthOut,
    summary="Partners in your scope whose health score is below their "
    "programme's at-risk line, lowest first (vendor staff)",
)
def health_at_risk(request):
    return selectors.at_risk_list(user=request.user)


class HealthMeasureIO(StrictSchema):
    metric: str = Field(description="A code of the metric catalogue")
    weight: int = Field(1, ge=1, le=100)
    target: Decimal = Field(gt=0, max_digits=14, decimal_places=2)


class HealthModelIO(StrictSchema):
    at_risk_below: Decimal = Field(50, ge=0, le=100, decimal_places=2)
    alert_drop: Decimal = Field(15, gt=0, le=100, decimal_places=2)
    measures: list[HealthMeasureIO] = Field(
        description="Weighted metrics with targets over the last 12 months"
    )


def _health_model_out(model) -> dict:
    return {
        "at_risk_below": model.at_risk_below,
        "alert_drop": model.alert_drop,
        "measures": [
            {"metric": item.metric, "weight": item.weight, "target": item.target}
            for item in model.measures.all()
        ],
    }


def _programme_to_define(request, programme_id: str):
    return lookup(
        request,
        programme_selectors.programme_get,
        rule=programme_permissions.DEFINE,
        public_id=as_uuid(programme_id),
    )


@router.get(
    "/programmes/{programme_id}/health-model",
    response=HealthModelIO,
    summary="A programme's health score: weighted metrics, targets, alert lines "
    "(vendor admins)",
)
def health_model_get(request, programme_id: str):
    programme = _programme_to_define(request, programme_id)
    model = selectors.health_model_for(programme=programme)
    if model is None:
        raise NotFound
    return _health_model_out(model)


@router.put(
    "/programmes/{programme_id}/health-model",
    response=HealthModelIO,
    summary="Define or replace a programme's health score (vendor admins)",
)
def health_model_put(request, programme_id: str, payload: HealthModelIO):
    programme = _programme_to_define(request, programme_id)
    health.health_model_set(
        actor=request.user,
        programme=programme,
        at_risk_below=payload.at_risk_below,
        alert_drop=payload.alert_drop,
        measures=[item.dict() for item in payload.measures],
    )
    return _health_model_out(selectors.health_model_for(programme=programme))
