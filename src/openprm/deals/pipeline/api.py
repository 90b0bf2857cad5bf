"""REST endpoints of the pipeline and the forecast: the figures of the console and
portal pages, in the reporting currency, as decimal strings.

Every endpoint takes the same filters (``region``, ``partner``, ``close_from``,
``close_to``) and answers within the caller's scope: vendor staff the ecosystem
(channel managers their partners), partner admins and salespeople their
organisations and, for a distributor granted it, their downstream partners.
Amounts no exchange rate converts are listed in ``unconverted`` (``complete`` is
then false), never counted as zero.
"""

from datetime import date
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from openprm.core.api import Pagination, Problem, StrictSchema, reject_unknown_query
from openprm.core.errors import ValidationFailed
from openprm.deals import pipeline
from openprm.deals import selectors_pipeline as selectors
from openprm.partners.choices import Region

router = Router(tags=["pipeline"])

ERRORS = {401: Problem, 403: Problem, 422: Problem}


class PipelineQuery(StrictSchema):
    region: Region | None = None
    partner: int | None = Field(None, description="A partner's id.")
    close_from: date | None = Field(
        None, description="Expected close date from (inclusive)."
    )
    close_to: date | None = Field(
        None, description="Expected close date until (inclusive)."
    )


class ForecastQuery(PipelineQuery):
    period: Literal["month", "quarter"] = "month"


class FiguresOut(Schema):
    count: int = Field(description="Open deals.")
    amount: Decimal = Field(description="Their amount, in the reporting currency.")
    weighted: Decimal = Field(description="Amount x stage probability / 100.")


class UnconvertedOut(Schema):
    currency: str
    count: int
    amount: Decimal = Field(description="In `currency`: no rate converts it.")
    first_close: date
    last_close: date


class StageOut(Schema):
    id: int
    name: str
    probability: int


class StageLineOut(FiguresOut):
    stage: StageOut


class PipelineOut(Schema):
    currency: str = Field(description="The reporting currency.")
    complete: bool = Field(description="False when some amounts had no rate.")
    stages: list[StageLineOut]
    total: FiguresOut
    unconverted: list[UnconvertedOut]


class PeriodOut(FiguresOut):
    start: date
    label: str = Field(description="2026-03, or 2026-Q1.")


class ForecastOut(Schema):
    currency: str
    complete: bool
    period: str
    periods: list[PeriodOut]
    total: FiguresOut
    unconverted: list[UnconvertedOut]


class RegionLineOut(FiguresOut):
    region: str
    label: str
    unconverted: list[UnconvertedOut]


class RegionsOut(Schema):
    currency: str
    items: list[RegionLineOut]


class PartnerLineOut(FiguresOut):
    partner: int
    name: str
    currency: str = Field(description="The reporting currency.")
    unconverted: list[UnconvertedOut]


def _filters(request, query: PipelineQuery, *more_schemas) -> selectors.PipelineFilters:
    """The query's filters; an unknown parameter or an inverted range is a 422."""
    reject_unknown_query(request, type(query), *more_schemas)
    if query.close_from and query.close_to and query.close_from > query.close_to:
        raise ValidationFailed(
            field_errors={"close_to": ["Must not be before close_from."]}
        )
    return selectors.PipelineFilters(
        region=query.region.value if query.region else "",
        partner_id=query.partner,
        close_from=query.close_from,
        close_to=query.close_to,
    )


def _figures(figures: pipeline.Figures) -> dict:
    return {
        "count": figures.count,
        "amount": figures.amount,
        "weighted": figures.weighted,
    }


def _unconverted(items: list[pipeline.Unconverted]) -> list[dict]:
    return [
        {
            "currency": item.currency,
            "count": item.count,
            "amount": item.amount,
            "first_close": item.first_close,
            "last_close": item.last_close,
        }
        for item in items
    ]


@router.get(
    "/pipeline",
    response={200: PipelineOut, **ERRORS},
    summary="Open pipeline by stage",
)
def pipeline_get(request, query: Query[PipelineQuery]):
    """Open deals per stage (count, amount, weighted amount), each amount converted
    with the rate valid on the deal's expected close date."""
    summary = selectors.pipeline_summary(
        user=request.user, filters=_filters(request, query)
    )
    return {
        "currency": summary.currency,
        "complete": summary.is_complete,
        "stages": [
            {
                "stage": {
                    "id": line.stage.id,
                    "name": line.stage.name,
                    "probability": line.stage.probability,
                },
                **_figures(line.figures),
            }
            for line in summary.stages
        ],
        "total": _figures(summary.total),
        "unconverted": _unconverted(summary.unconverted),
    }


@router.get(
    "/forecast",
    response={200: ForecastOut, **ERRORS},
    summary="Weighted forecast by month or quarter",
)
def forecast_get(request, query: Query[ForecastQuery]):
    """Open deals per month (or calendar quarter) of their expected close date,
    every period of the range listed (empty ones at zero)."""
    summary = selectors.pipeline_summary(
        user=request.user, filters=_filters(request, query)
    )
    periods = summary.months if query.period == "month" else summary.quarters
    return {
        "currency": summary.currency,
        "complete": summary.is_complete,
        "period": query.period,
        "periods": [
            {"start": line.start, "label": line.label, **_figures(line.figures)}
            for line in periods
        ],
        "total": _figures(summary.total),
        "unconverted": _unconverted(summary.unconverted),
    }


@router.get(
    "/pipeline/regions",
    response={200: RegionsOut, **ERRORS},
    summary="Open pipeline by region",
)
def pipeline_regions(request, query: Query[PipelineQuery]):
    """Per region of the partners, the largest weighted amount first."""
    currency, lines = selectors.pipeline_groups(
        user=request.user,
        group=selectors.GROUP_REGION,
        filters=_filters(request, query),
    )
    return {
        "currency": currency,
        "items": [
            {
                "region": line.key,
                "label": line.label,
                **_figures(line.figures),
                "unconverted": _unconverted(line.unconverted),
            }
            for line in lines
        ],
    }


class _PartnerPage:
    """The partners' lines, named page by page (one query per page)."""

    def __init__(self, currency: str, lines: list[pipeline.GroupLine]):
        self.currency, self.lines = currency, lines

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, window: slice) -> list[dict]:
        lines = self.lines[window]
        selectors.label_partners(lines)
        return [
            {
                "partner": line.key,
                "name": line.label,
                "currency": self.currency,
                **_figures(line.figures),
                "unconverted": _unconverted(line.unconverted),
            }
            for line in lines
        ]


@router.get(
    "/pipeline/partners",
    response={200: list[PartnerLineOut], **ERRORS},
    summary="Open pipeline by partner",
)
@paginate(Pagination)
def pipeline_partners(request, query: Query[PipelineQuery]):
    """Per partner, the largest weighted amount first."""
    currency, lines = selectors.pipeline_groups(
        user=request.user,
        group=selectors.GROUP_PARTNER,
        filters=_filters(request, query, Pagination.Input),
    )
    return _PartnerPage(currency, lines)
