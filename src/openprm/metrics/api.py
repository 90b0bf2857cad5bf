"""REST endpoints of the metrics: the catalogue, a partner's figures per period
(with or without the partners beneath it) and the rollups' rebuilds."""

import datetime
from decimal import Decimal
from uuid import UUID

from ninja import Query, Schema
from pydantic import Field

from openprm.core.api import ApiRouter, StrictSchema
from openprm.currencies import money
from openprm.metrics import catalogue, periods, permissions, selectors

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
