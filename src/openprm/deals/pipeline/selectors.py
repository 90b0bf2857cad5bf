"""Scoped reads of the pipeline, the forecast and won revenue: amounts summed in
SQL from maintained cells.

Open deals are live registrations (submitted, waiting for information or approved)
in a stage of kind *open*. Database triggers keep their counts and amounts (integer
hundredths, exact on SQLite too, where decimals are doubles) per partner, stage,
close month and currency in ``PipelineCell``, and per region in ``PipelineTotal``
(``triggers.py``); a page sums those cells, grouped by stage, currency and month or
exchange-rate period, and ``figures`` converts and weights the groups. The
ecosystem's figures (a reader who sees every partner, no partner filter) come from
the regional totals, a few thousand rows however many deals there are; a scoped
reader's and the per-partner figures from the cells of their partners.

Two kinds of month cannot be answered by a cell, and are summed from the deals
themselves, one month each: the first and last month of a close-date filter that
starts or ends inside a month, and a currency's month in which a new exchange rate
starts on another day than the first (its deals convert at two rates). A partner's
won revenue (``DealRevenue``) is summed by the day each deal was won.

Who reads what (``permissions.READ_PIPELINE``): every vendor role (channel
managers: their partners and territories, through ``visible_to``); partner admins
and salespeople their organisation's deals and, for a distributor granted
downstream visibility, those of the partners beneath it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    F,
    IntegerField,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Round, Substr

from openprm.core.db import sql_rows
from openprm.core.errors import NotFound
from openprm.core.scoping import scope_for
from openprm.currencies import money
from openprm.currencies.selectors import rate_table
from openprm.deals import permissions
from openprm.deals.choices import LIVE, StageKind
from openprm.deals.models import (
    Deal,
    DealRevenue,
    PipelineCell,
    PipelineTotal,
    Stage,
)
from openprm.deals.pipeline import figures
from openprm.partners.choices import Region
from openprm.partners.models import Partner

GROUP_REGION = "partner__region"
GROUP_PARTNER = "partner_id"


@dataclass(frozen=True)
class PipelineFilters:
    """What a reader narrows the pipeline to; empty values do not filter."""

    region: str = ""
    partner_id: int | None = None
    close_from: datetime.date | None = None  # expected close date, inclusive
    close_to: datetime.date | None = None  # inclusive


@dataclass
class PipelineSummary:
    """The figures of one pipeline page or endpoint, in the reporting currency."""

    currency: str
    stages: list[figures.StageLine]
    total: figures.Figures
    months: list[figures.PeriodLine]
    quarters: list[figures.PeriodLine]
    unconverted: list[figures.Unconverted]
    regions: list[figures.GroupLine] = field(default_factory=list)
    partners: list[figures.GroupLine] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        return not self.unconverted


def _own_id(path: str) -> int:
    """The partner a materialised path ("/12/57/") ends with."""
    return int(path.rstrip("/").rsplit("/", 1)[-1])


def _partner_q(user, organisation: Partner | None) -> Q:
    """A partner user's organisations where they work deals (or only
    ``organisation``, the portal's), with the downstream partners that the scope
    lets a distributor see."""
    if organisation is not None:
        permissions.READ_PIPELINE.ensure(user, partner_id=organisation.pk)
        allowed = {organisation.pk}
    else:
        allowed = permissions.READ_PIPELINE.partner_ids(user)
    condition = Q(partner_id__in=sorted(allowed))
    for path in scope_for(user).subtree_paths:
        if _own_id(path) in allowed:
            condition |= Q(partner__path__startswith=path)
    return condition


def open_deals(
    *,
    user,
    filters: PipelineFilters = PipelineFilters(),
    stage_ids: Iterable[int],
    organisation: Partner | None = None,
    partner_ids: Iterable[int] | None = None,
) -> QuerySet[Deal]:
    """The open deals in the user's scope that the filters select (of
    ``partner_ids`` only, when given)."""
    permissions.READ_PIPELINE.ensure(user)
    deals = Deal.objects.visible_to(user).filter(
        status__in=LIVE, stage_id__in=sorted(stage_ids)
    )
    if not user.is_vendor_staff:
        deals = deals.filter(_partner_q(user, organisation))
    if filters.region:
        deals = deals.filter(partner__region=filters.region)
    if filters.partner_id is not None:
        deals = deals.filter(partner_id=filters.partner_id)
    if filters.close_from is not None:
        deals = deals.filter(expected_close_date__gte=filters.close_from)
    if filters.close_to is not None:
        deals = deals.filter(expected_close_date__lte=filters.close_to)
    if partner_ids is not None:
        deals = deals.filter(partner_id__in=sorted(partner_ids))
    return deals


def open_stages() -> dict[int, figures.StageInfo]:
    """The stages of kind open, in pipeline order."""
    return {
        stage.id: figures.StageInfo(
            id=stage.id,
            name=stage.name,
            probability=stage.probability,
            order=stage.order,
        )
        for stage in Stage.objects.filter(kind=StageKind.OPEN).order_by("order", "id")
    }


def _rate_period(rates: money.RateTable, day: str = "expected_close_date"):
    """The ``valid_from`` of the rate that applies to each row on its ``day`` (NULL:
    none, or the reporting currency), so that a group never mixes two rates."""
    whens = [
        When(
            currency=currency,
            **{f"{day}__gte": valid_from},
            then=Value(valid_from),
        )
        for currency in rates.currencies()
        # Latest first: CASE takes the first condition that holds.
        for valid_from in reversed(rates.valid_from_dates(currency))
    ]
    if not whens:
        return Value(None, output_field=DateField())
    return Case(*whens, default=Value(None), output_field=DateField())


def _amount_minor(amount: str = "total_amount"):
    # Hundredths as integers: an exact SUM on both databases.
    return Sum(
        Cast(
            Round(F(amount) * figures.AMOUNT_SCALE),
            output_field=BigIntegerField(),
        )
    )


def aggregate(
    deals: QuerySet[Deal],
    *,
    rates: money.RateTable,
    group: str | None = None,
    by_month: bool = False,
) -> list[figures.Aggregate]:
    """One GROUP BY: the open deals' counts and sums per stage, currency and rate
    period, and per ``group`` (a column) and close month when asked."""
    keys = ["stage_id", "currency", "rate_period"]
    annotations = {"rate_period": _rate_period(rates)}
    if group:
        keys.append(group)
    if by_month:
        annotations["month"] = close_month()
        keys.append("month")
    rows = _grouped(
        deals.annotate(**annotations).values(*keys),
        count=Count("id"),
        amount=_amount_minor(),
        day="expected_close_date",
    )
    return _aggregates(rows, group=group, month=_month if by_month else None)


def _grouped(rows: QuerySet, *, count, amount, day: str) -> QuerySet:
    """Counts, sums in hundredths and the first and last ``day`` of grouped rows."""
    return rows.annotate(
        deal_count=count,
        amount_minor=amount,
        first_close=Min(day),
        last_close=Max(day),
    ).order_by()


def _aggregates(rows, *, group, month=None, last=lambda day: day) -> list:
    """Grouped rows as ``figures.Aggregate``; ``month`` reads a row's month."""
    return [
        figures.Aggregate(
            stage_id=row["stage_id"],
            currency=row["currency"],
            count=row["deal_count"],
            amount_minor=row["amount_minor"],
            first_close=row["first_close"],
            last_close=last(row["last_close"]),
            group=row[group] if group else None,
            month=month(row["month"]) if month else None,
        )
        for row in rows
    ]


def close_month():
    """The expected close date's "YYYY-MM". Cheaper than TruncMonth, which SQLite
    runs as a Python function per row (1.3 s of 1.8 s over 50,000 deals); a date
    cast to text is ISO 8601 on both databases."""
    return Substr(Cast("expected_close_date", output_field=CharField()), 1, 7)


def _month(text: str) -> datetime.date:
    return datetime.date(int(text[:4]), int(text[5:7]), 1)


def _month_end(day: datetime.date) -> datetime.date:
    if (day.year, day.month) == (datetime.MAXYEAR, 12):
        return datetime.date.max  # no month follows December 9999
    return figures.next_month(day) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class _Months:
    """Which close months the cells answer, and which the deals must."""

    first: datetime.date | None  # the first whole month (None: unbounded)
    last: datetime.date | None
    partial: tuple[tuple[datetime.date, datetime.date], ...]  # date ranges
    split: tuple[tuple[str, datetime.date], ...]  # (currency, month)

    def cells_q(self) -> Q:
        condition = Q()
        if self.first is not None:
            condition &= Q(month__gte=self.first)
        if self.last is not None:
            condition &= Q(month__lte=self.last)
        for currency, month in self.split:
            condition &= ~Q(currency=currency, month=month)
        return condition

    def deals_q(self) -> Q | None:
        """The deals the cells leave out, or None when there are none."""
        condition = Q()
        for first, last in self.partial:
            condition |= Q(expected_close_date__range=(first, last))
        for currency, month in self.split:
            condition |= Q(
                currency=currency,
                expected_close_date__range=(month, _month_end(month)),
            )
        return condition or None


def _months(filters: PipelineFilters, rates: money.RateTable) -> _Months:
    first, last = filters.close_from, filters.close_to
    first_month = first.replace(day=1) if first else None
    last_month = last.replace(day=1) if last else None
    partial = []
    if first is not None and first.day != 1:
        partial.append((first, min(_month_end(first), last or datetime.date.max)))
        first_month = figures.next_month(first)
    if last is not None and last != _month_end(last):
        start = max(last.replace(day=1), first or datetime.date.min)
        if not partial or partial[0][1] < start:
            partial.append((start, last))
        last_month = (last.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    split = tuple(
        (currency, valid_from.replace(day=1))
        for currency in rates.currencies()
        for valid_from in rates.valid_from_dates(currency)
        if valid_from.day != 1
    )
    return _Months(first_month, last_month, tuple(partial), split)


def _is_ecosystem(user, filters: PipelineFilters, organisation) -> bool:
    """Whether the regional totals answer: a reader who sees every partner and
    narrows to none."""
    return (
        organisation is None
        and filters.partner_id is None
        and user.is_vendor_staff
        and scope_for(user).everything
    )


def open_cells(
    *,
    user,
    filters: PipelineFilters,
    stage_ids: Iterable[int],
    months: _Months,
    organisation: Partner | None = None,
    partner_ids: Iterable[int] | None = None,
) -> QuerySet[PipelineCell]:
    """The user's partners' cells of open stages in the whole months given (of
    ``partner_ids`` only, when given)."""
    cells = PipelineCell.objects.visible_to(user).filter(
        months.cells_q(), stage_id__in=sorted(stage_ids), deal_count__gt=0
    )
    if not user.is_vendor_staff:
        cells = cells.filter(_partner_q(user, organisation))
    if filters.region:
        cells = cells.filter(partner__region=filters.region)
    if filters.partner_id is not None:
        cells = cells.filter(partner_id=filters.partner_id)
    if partner_ids is not None:
        cells = cells.filter(partner_id__in=sorted(partner_ids))
    return cells


def _sum_cells(
    cells: QuerySet,
    *,
    rates: money.RateTable,
    group: str | None = None,
    by_month: bool = False,
) -> list[figures.Aggregate]:
    """One GROUP BY over cells (or regional totals): counts and sums per stage,
    currency and month or rate period, and per ``group`` (a column)."""
    keys = ["stage_id", "currency", "month" if by_month else "rate_period"]
    annotations = {} if by_month else {"rate_period": _rate_period(rates, "month")}
    if group:
        keys.append(group)
    rows = _grouped(
        cells.annotate(**annotations).values(*keys),
        count=Sum("deal_count"),
        amount=Sum("amount_minor"),
        day="month",
    )
    # No rate starts inside a cell's month: its first day has the rate.
    return _aggregates(
        rows,
        group=group,
        month=(lambda month: month) if by_month else None,
        last=_month_end,
    )


def open_sums(
    *,
    user,
    filters: PipelineFilters,
    stages: dict[int, figures.StageInfo],
    rates: money.RateTable,
    organisation: Partner | None = None,
    group: str | None = None,
    by_month: bool = False,
    partner_ids: Iterable[int] | None = None,
) -> list[figures.Aggregate]:
    """The open pipeline's sums in the user's scope: the cells (or, for the
    ecosystem not grouped by partner, the regional totals) and the months only the
    deals can answer; of ``partner_ids`` only, when given."""
    months = _months(filters, rates)
    if (
        group != GROUP_PARTNER
        and partner_ids is None
        and _is_ecosystem(user, filters, organisation)
    ):
        totals = PipelineTotal.objects.filter(
            months.cells_q(), stage_id__in=sorted(stages), deal_count__gt=0
        )
        if filters.region:
            totals = totals.filter(region=filters.region)
        rows = _sum_cells(
            totals,
            rates=rates,
            group="region" if group == GROUP_REGION else None,
            by_month=by_month,
        )
    else:
        cells = open_cells(
            user=user,
            filters=filters,
            stage_ids=stages,
            months=months,
            organisation=organisation,
            partner_ids=partner_ids,
        )
        rows = _sum_cells(cells, rates=rates, group=group, by_month=by_month)
    edges = months.deals_q()
    if edges is not None:
        deals = open_deals(
            user=user,
            filters=filters,
            stage_ids=stages,
            organisation=organisation,
            partner_ids=partner_ids,
        ).filter(edges)
        rows += aggregate(deals, rates=rates, group=group, by_month=by_month)
    return rows


def pipeline_summary(
    *,
    user,
    filters: PipelineFilters = PipelineFilters(),
    organisation: Partner | None = None,
    regions: bool = False,
    partners: int = 0,
) -> PipelineSummary:
    """The pipeline by stage, the weighted forecast by month and quarter, and on
    request the pipeline by region and of the ``partners`` largest partners."""
    permissions.READ_PIPELINE.ensure(user)
    stages = open_stages()
    rates = rate_table()
    reading = {
        "user": user,
        "filters": filters,
        "stages": stages,
        "rates": rates,
        "organisation": organisation,
    }
    rows = open_sums(**reading, by_month=True)
    converted = figures.convert(rows, stages=stages, rates=rates)
    summary = PipelineSummary(
        currency=rates.reporting,
        stages=figures.by_stage(converted, stages.values()),
        total=figures.total(converted),
        months=figures.by_month(
            converted, first=filters.close_from, last=filters.close_to
        ),
        quarters=figures.by_quarter(
            converted, first=filters.close_from, last=filters.close_to
        ),
        unconverted=converted.missing(),
    )
    if regions:
        summary.regions = group_lines(
            open_sums(**reading, group=GROUP_REGION), stages=stages, rates=rates
        )
    if partners:
        summary.partners = largest_partners(**reading, most=partners)
        label_partners(summary.partners)
    return summary


# A partner's ranking estimate may be off by float rounding on SQLite (rates and
# products are doubles there; PostgreSQL's numeric is exact): every partner whose
# estimate is within this share of the last one listed is a candidate, and the
# candidates are ranked by their exact figures.
ESTIMATE_MARGIN = Decimal("0.000000001")


def largest_partners(
    *,
    user,
    filters: PipelineFilters,
    stages: dict[int, figures.StageInfo],
    rates: money.RateTable,
    organisation: Partner | None = None,
    most: int,
) -> list[figures.GroupLine]:
    """The ``most`` partners of the largest weighted pipeline, exact, as
    ``group_lines`` would rank every partner (ties by key).

    The database ranks the partners by an estimate of their weighted amount in
    the reporting currency (``_ranked_partners``: the cells' sums converted and
    weighted in SQL), and only the candidates' cells are summed, converted and
    weighted exactly in Python: two grouped queries whatever the number of
    partners and deals, instead of every partner's sums converted in Python."""
    reading = {
        "user": user,
        "filters": filters,
        "stages": stages,
        "rates": rates,
        "organisation": organisation,
    }
    ranked = _ranked_partners(**reading, limit=2 * most)
    if len(ranked) < 2 * most:
        candidates = [partner_id for partner_id, _estimate in ranked]
    else:
        least = ranked[most - 1][1] * (1 - ESTIMATE_MARGIN)
        if least <= 0:
            # Partners without a converted amount would be listed, by key: rank
            # every partner exactly.
            candidates = None
        else:
            candidates = [pid for pid, estimate in ranked if estimate >= least]
            if ranked[-1][1] >= least:  # more may come as close: read them all
                candidates = [
                    pid for pid, _estimate in _ranked_partners(**reading, least=least)
                ]
    rows = open_sums(**reading, group=GROUP_PARTNER, partner_ids=candidates)
    return group_lines(rows, stages=stages, rates=rates)[:most]


def _rate_value(rates: money.RateTable, day: str):
    """The rate that converts each row on its ``day`` into the reporting currency
    (1 for the reporting currency itself; NULL: no rate)."""
    whens = [When(currency=rates.reporting, then=Value(Decimal(1)))] + [
        When(
            currency=currency,
            **{f"{day}__gte": valid_from},
            then=Value(rates.rate(currency, valid_from)),
        )
        for currency in rates.currencies()
        # Latest first: CASE takes the first condition that holds.
        for valid_from in reversed(rates.valid_from_dates(currency))
    ]
    return Case(*whens, default=Value(None), output_field=DecimalField())


def _probability(stages: dict[int, figures.StageInfo]):
    return Case(
        *(
            When(stage_id=stage.id, then=Value(stage.probability))
            for stage in stages.values()
        ),
        default=Value(0),
        output_field=IntegerField(),
    )


def _ranked_partners(
    *,
    user,
    filters: PipelineFilters,
    stages: dict[int, figures.StageInfo],
    rates: money.RateTable,
    organisation: Partner | None = None,
    limit: int | None = None,
    least: Decimal | None = None,
) -> list[tuple[int, Decimal]]:
    """Partners and the estimate of their weighted amount (hundredths of the
    reporting currency times the stage's percentage), the largest first: the
    ``limit`` largest, or those of at least ``least``. One statement: the cells of
    whole months and the deals of the months the cells cannot answer, each row
    converted with the CASE of its rates and weighted with its stage's
    probability, summed per partner. Amounts without a rate count as zero."""
    if not stages:
        return []
    months = _months(filters, rates)
    probability = _probability(stages)
    cells = open_cells(
        user=user,
        filters=filters,
        stage_ids=stages,
        months=months,
        organisation=organisation,
    ).annotate(
        estimate=F("amount_minor") * probability * _rate_value(rates, "month"),
    )
    parts = [cells.values_list("partner_id", "estimate").order_by()]
    edges = months.deals_q()
    if edges is not None:
        deals = open_deals(
            user=user, filters=filters, stage_ids=stages, organisation=organisation
        ).filter(edges)
        amount = Cast(
            Round(F("total_amount") * figures.AMOUNT_SCALE),
            output_field=BigIntegerField(),
        )
        parts.append(
            deals.annotate(
                estimate=amount
                * probability
                * _rate_value(rates, "expected_close_date")
            )
            .values_list("partner_id", "estimate")
            .order_by()
        )
    selects, params = [], []
    for part in parts:
        try:
            sql, part_params = part.query.sql_with_params()
        except EmptyResultSet:
            continue
        selects.append(f"SELECT * FROM ({sql}) part")  # noqa: S608 (compiled SQL)
        params.extend(part_params)
    if not selects:
        return []
    having = ""
    if least is not None:
        having = " HAVING SUM(estimate) >= %s"
        # A float: SQLite holds a text parameter (how its driver passes a
        # Decimal) larger than any number.
        params.append(float(least))
    limited = ""
    if limit is not None:
        limited = " LIMIT %s"
        params.append(limit)
    union = " UNION ALL ".join(selects)
    rows = sql_rows(
        # COALESCE: a partner whose amounts all lack a rate sums to NULL, which
        # PostgreSQL would sort first in a descending order (SQLite last).
        "SELECT partner_id, COALESCE(SUM(estimate), 0) AS estimate "  # noqa: S608
        f"FROM ({union}) ranked GROUP BY partner_id{having} "
        f"ORDER BY estimate DESC, partner_id{limited}",
        params,
    )
    return [(partner_id, Decimal(str(estimate))) for partner_id, estimate in rows]


def group_lines(
    rows: list[figures.Aggregate],
    *,
    stages: dict[int, figures.StageInfo],
    rates: money.RateTable,
) -> list[figures.GroupLine]:
    """Per region or partner, the largest weighted amount first, with what each
    holds unconverted; regions named."""
    lines = figures.by_group(figures.convert(rows, stages=stages, rates=rates))
    labels = dict(Region.choices)
    for line in lines:
        if isinstance(line.key, str):
            line.label = str(labels.get(line.key, line.key))
    return lines


def label_partners(lines: list[figures.GroupLine]) -> None:
    """Name the partner of each line, in one query."""
    names = dict(
        Partner.objects.filter(pk__in=[line.key for line in lines]).values_list(
            "id", "name"
        )
    )
    for line in lines:
        line.label = names.get(line.key, "")


def pipeline_groups(
    *,
    user,
    group: str,
    filters: PipelineFilters = PipelineFilters(),
    organisation: Partner | None = None,
) -> tuple[str, list[figures.GroupLine]]:
    """The reporting currency and the pipeline per region or per partner (the
    API's lists; partners are named by the caller, page by page)."""
    permissions.READ_PIPELINE.ensure(user)
    stages = open_stages()
    rates = rate_table()
    rows = open_sums(
        user=user,
        filters=filters,
        stages=stages,
        rates=rates,
        organisation=organisation,
        group=group,
    )
    return rates.reporting, group_lines(rows, stages=stages, rates=rates)


# --- won revenue


@dataclass
class WonRevenue:
    """A partner's won revenue in the reporting currency."""

    partner_id: int
    currency: str
    total: figures.Figures  # ``weighted`` equals ``amount``: won counts whole
    unconverted: list[figures.Unconverted]

    @property
    def is_complete(self) -> bool:
        return not self.unconverted


def partner_won_revenue(
    *,
    user,
    public_id,
    won_from: datetime.date | None = None,
    won_to: datetime.date | None = None,
) -> WonRevenue:
    """The revenue of the deals a partner won (between ``won_from`` and ``won_to``,
    inclusive), each converted with the rate valid on the day it was won; 404 for
    a partner outside the user's scope. Two queries and the rates."""
    permissions.READ_PIPELINE.ensure(user)
    partner_id = (
        Partner.objects.visible_to(user)
        .filter(public_id=public_id)
        .values_list("pk", flat=True)
        .first()
    )
    if partner_id is None:
        raise NotFound
    revenues = DealRevenue.objects.filter(partner_id=partner_id)
    if won_from is not None:
        revenues = revenues.filter(won_on__gte=won_from)
    if won_to is not None:
        revenues = revenues.filter(won_on__lte=won_to)
    rates = rate_table()
    rows = (
        revenues.annotate(rate_period=_rate_period(rates, "won_on"))
        .values("currency", "rate_period")
        .annotate(
            deal_count=Count("id"),
            amount_minor=_amount_minor("amount"),
            first_won=Min("won_on"),
            last_won=Max("won_on"),
        )
        .order_by()
    )
    converted = figures.won(
        [
            figures.Aggregate(
                stage_id=figures.WON.id,
                currency=row["currency"],
                count=row["deal_count"],
                amount_minor=row["amount_minor"],
                first_close=row["first_won"],
                last_close=row["last_won"],
            )
            for row in rows
        ],
        rates=rates,
    )
    return WonRevenue(
        partner_id=partner_id,
        currency=rates.reporting,
        total=figures.total(converted),
        unconverted=converted.missing(),
    )


def filter_partners(*, user) -> QuerySet[Partner]:
    """The partners a reader of the pipeline may narrow it to (the picker)."""
    return Partner.objects.visible_to(user)
