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

from ninja import Field, Query, Schema

from openprm.core.api import ERRORS, ApiRouter, StrictSchema
from openprm.core.errors import ValidationFailed
from openprm.deals.pipeline import figures, selectors
from openprm.partners.choices import Region

# Figures of the caller's scope, not objects: nothing to be not found or in conflict.
router = ApiRouter(
    tags=["pipeline"], errors={code: ERRORS[code] for code in (401, 403, 422)}
)


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
    first_close: date = Field(
        description="The first day of the earliest close month holding them."
    )
    last_close: date = Field(
        description="The last day of the latest close month holding them."
    )


class PipelineStageOut(Schema):
    id: int
    name: str
    probability: int


class StageLineOut(FiguresOut):
    stage: PipelineStageOut


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


def _filters(query: PipelineQuery) -> selectors.PipelineFilters:
    """The query's filters; an inverted range is a 422."""
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


def _figures(amounts: figures.Figures) -> dict:
    return {
        "count": amounts.count,
        "amount": amounts.amount,
        "weighted": amounts.weighted,
    }


def unconverted_of(items: list[figures.Unconverted]) -> list[dict]:
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
    response=PipelineOut,
    summary="Open pipeline by stage",
)
def pipeline_get(request, query: Query[PipelineQuery]):
    """Open deals per stage (count, amount, weighted amount), each amount converted
    with the rate valid on the deal's expected close date."""
    summary = selectors.pipeline_summary(user=request.user, filters=_filters(query))
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
        "unconverted": unconverted_of(summary.unconverted),
    }


@router.get(
    "/forecast",
    response=ForecastOut,
    summary="Weighted forecast by month or quarter",
)
def forecast_get(request, query: Query[ForecastQuery]):
    """Open deals per month (or calendar quarter) of their expected close date,
    every period of the range listed (empty ones at zero)."""
    summary = selectors.pipeline_summary(user=request.user, filters=_filters(query))
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
        "unconverted": unconverted_of(summary.unconverted),
    }


@router.get(
    "/pipeline/regions",
    response=RegionsOut,
    summary="Open pipeline by region",
)
def pipeline_regions(request, query: Query[PipelineQuery]):
    """Per region of the partners, the largest weighted amount first."""
    currency, lines = selectors.pipeline_groups(
        user=request.user,
        group=selectors.GROUP_REGION,
        filters=_filters(query),
    )
    return {
        "currency": currency,
        "items": [
            {
                "region": line.key,
                "label": line.label,
                **_figures(line.figures),
                "unconverted": unconverted_of(line.unconverted),
            }
            for line in lines
        ],
    }


class _PartnerPage:
    """The partners' lines, named page by page (one query per page)."""

    def __init__(self, currency: str, lines: list[figures.GroupLine]):
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
                "unconverted": unconverted_of(line.unconverted),
            }
            for line in lines
        ]


@router.list(
    "/pipeline/partners",
    response=PartnerLineOut,
    summary="Open pipeline by partner",
)
def pipeline_partners(request, query: Query[PipelineQuery]):
    """Per partner, the largest weighted amount first."""
    currency, lines = selectors.pipeline_groups(
        user=request.user,
        group=selectors.GROUP_PARTNER,
        filters=_filters(query),
    )
    return _PartnerPage(currency, lines)
