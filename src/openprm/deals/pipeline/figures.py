"""Pipeline and forecast figures from aggregated deal rows: pure logic, no queries.

The database sums open deals by group (partner, region or none), stage, currency,
month of the expected close date and exchange-rate period (``pipeline.selectors``);
this module converts each sum into the reporting currency with the rate valid on
the deal's expected close date, weights it by the stage's probability and adds it up.
Won revenue is summed the same way, by the date each deal was won, and counted
whole (:data:`WON`).

- *amount*: the deals' amounts; *weighted*: amount x stage probability / 100.
- Sums are exact (amounts arrive as integer minor units); each figure is rounded once,
  at the end, to the reporting currency's minor unit (``money.ROUNDING``), so a
  total is the rounded exact total, not the sum of rounded lines.
- A sum without a rate is never counted as zero: it is left out of the converted
  figures and reported in ``unconverted`` with its currency, amount and dates.
"""

import datetime
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from openprm.currencies import money

# Deal amounts are stored with two decimal places (deals.Deal.total_amount).
AMOUNT_SCALE = 100
PERCENT = 100


@dataclass(frozen=True)
class StageInfo:
    id: int
    name: str
    probability: int  # percent, 0-100
    order: int


# Won revenue, converted as the sums of a stage whose deals all close: weighted
# in full.
WON = StageInfo(id=0, name="won", probability=PERCENT, order=0)


@dataclass(frozen=True)
class Aggregate:
    """One row of the database's GROUP BY: deals sharing a group, stage, currency,
    close month and rate period. Their close dates are the expected ones, or for
    won revenue the days the deals were won."""

    stage_id: int
    currency: str
    count: int
    amount_minor: int  # the sum of the amounts in hundredths of the currency
    first_close: datetime.date  # the earliest expected close date of the rows
    last_close: datetime.date
    group: Hashable = None  # a partner id, a region code, or None
    month: datetime.date | None = None  # the first day of the close month


@dataclass
class Figures:
    """Deals counted, their amount and weighted amount (reporting currency)."""

    count: int = 0
    amount: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)

    def add(self, count: int, amount: Decimal, weighted: Decimal) -> None:
        self.count += count
        self.amount += amount
        self.weighted += weighted

    def rounded(self, currency: str) -> "Figures":
        return Figures(
            count=self.count,
            amount=money.quantize(self.amount, currency),
            weighted=money.quantize(self.weighted, currency),
        )


@dataclass
class Unconverted:
    """Deals in one currency that no rate converts: reported, never counted as 0."""

    currency: str
    count: int = 0
    amount: Decimal = Decimal(0)  # in ``currency``
    first_close: datetime.date | None = None
    last_close: datetime.date | None = None

    def add(self, row: Aggregate) -> None:
        self.count += row.count
        self.amount += minor_to_amount(row.amount_minor)
        self.first_close = min(filter(None, (self.first_close, row.first_close)))
        self.last_close = max(filter(None, (self.last_close, row.last_close)))


@dataclass
class StageLine:
    stage: StageInfo
    figures: Figures


@dataclass
class GroupLine:
    key: Hashable
    figures: Figures
    # What the group holds that no rate converts, per currency.
    unconverted: list[Unconverted] = field(default_factory=list)
    label: str = ""  # the partner's name or the region's, set by the selector


@dataclass
class PeriodLine:
    start: datetime.date  # the first day of the month or quarter
    label: str  # "2026-03" or "2026-Q1"
    figures: Figures


@dataclass
class Converted:
    """Aggregates in the reporting currency, and those that could not be."""

    currency: str
    rows: list[tuple[Aggregate, Decimal, Decimal]] = field(default_factory=list)
    unconverted: dict[str, Unconverted] = field(default_factory=dict)
    unconverted_by_group: dict[Hashable, dict[str, Unconverted]] = field(
        default_factory=dict
    )

    @property
    def is_complete(self) -> bool:
        return not self.unconverted

    def missing(self) -> list[Unconverted]:
        return [self.unconverted[code] for code in sorted(self.unconverted)]


def minor_to_amount(minor: int) -> Decimal:
    return money.divide_exact(Decimal(minor), AMOUNT_SCALE)


def convert(
    aggregates: Iterable[Aggregate],
    *,
    stages: dict[int, StageInfo],
    rates: money.RateTable,
) -> Converted:
    """Each aggregate's amount and weighted amount in the reporting currency, exact.

    The rate is the one valid on the aggregate's first close date: the database
    groups rows by rate period, so every date of an aggregate has the same rate.
    """
    result = Converted(currency=rates.reporting)
    for row in aggregates:
        try:
            rate = rates.rate(row.currency, row.first_close)
        except money.MissingExchangeRate:
            result.unconverted.setdefault(row.currency, Unconverted(row.currency)).add(
                row
            )
            result.unconverted_by_group.setdefault(row.group, {}).setdefault(
                row.currency, Unconverted(row.currency)
            ).add(row)
            continue
        amount = money.multiply(minor_to_amount(row.amount_minor), rate)
        probability = stages[row.stage_id].probability
        weighted = money.divide_exact(
            money.multiply(amount, Decimal(probability)), PERCENT
        )
        result.rows.append((row, amount, weighted))
    return result


def won(aggregates: Iterable[Aggregate], *, rates: money.RateTable) -> Converted:
    """Won revenue (aggregates of :data:`WON`) in the reporting currency, each sum
    converted with the rate valid on the day its deals were won."""
    return convert(aggregates, stages={WON.id: WON}, rates=rates)


def total(converted: Converted) -> Figures:
    figures = Figures()
    for row, amount, weighted in converted.rows:
        figures.add(row.count, amount, weighted)
    return figures.rounded(converted.currency)


def by_stage(converted: Converted, stages: Iterable[StageInfo]) -> list[StageLine]:
    """Every given stage in pipeline order, those without deals at zero."""
    sums: dict[int, Figures] = {}
    for row, amount, weighted in converted.rows:
        sums.setdefault(row.stage_id, Figures()).add(row.count, amount, weighted)
    return [
        StageLine(stage, sums.get(stage.id, Figures()).rounded(converted.currency))
        for stage in sorted(stages, key=lambda item: (item.order, item.id))
    ]


def by_group(converted: Converted) -> list[GroupLine]:
    """Per group (partner or region), the largest weighted amount first; a group
    whose deals no rate converts is listed too, with what it holds unconverted."""
    sums: dict[Hashable, Figures] = {}
    for row, amount, weighted in converted.rows:
        sums.setdefault(row.group, Figures()).add(row.count, amount, weighted)
    for key in converted.unconverted_by_group:
        sums.setdefault(key, Figures())
    lines = [
        GroupLine(
            key,
            figures.rounded(converted.currency),
            unconverted=[
                missing
                for _code, missing in sorted(
                    converted.unconverted_by_group.get(key, {}).items()
                )
            ],
        )
        for key, figures in sums.items()
    ]
    lines.sort(key=lambda line: (-line.figures.weighted, str(line.key)))
    return lines


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_label(start: datetime.date) -> str:
    return f"{start.year}-{start.month:02d}"


def quarter_label(start: datetime.date) -> str:
    return f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def _next_quarter(day: datetime.date) -> datetime.date:
    return next_month(next_month(next_month(quarter_start(day))))


@dataclass(frozen=True)
class _Calendar:
    start_of: Callable[[datetime.date], datetime.date]
    following: Callable[[datetime.date], datetime.date]
    label: Callable[[datetime.date], str]


MONTHS = _Calendar(month_start, next_month, month_label)
QUARTERS = _Calendar(quarter_start, _next_quarter, quarter_label)


# The most periods a forecast lists one by one: ten years of months, or of
# quarters. Deals expected later are summed in one last line, "later", so that the
# forecast's size does not depend on the dates stored (a close date in 9999).
MAX_MONTHS = 120
MAX_QUARTERS = 40
LATER = "later"


def _periods(
    converted: Converted,
    calendar: _Calendar,
    first: datetime.date | None,
    last: datetime.date | None,
    most: int,
) -> list[PeriodLine]:
    sums: dict[datetime.date, Figures] = {}
    for row, amount, weighted in converted.rows:
        sums.setdefault(calendar.start_of(row.month), Figures()).add(
            row.count, amount, weighted
        )
    if not sums and (first is None or last is None):
        return []
    current = calendar.start_of(first or min(sums))
    last = calendar.start_of(last or max(sums))
    lines = []
    while current <= last and len(lines) < most:
        figures = sums.pop(current, Figures()).rounded(converted.currency)
        lines.append(PeriodLine(current, calendar.label(current), figures))
        try:
            current = calendar.following(current)
        except ValueError:  # past year 9999: nothing can follow
            return lines
    later = Figures()
    for start, figures in sums.items():
        if current <= start <= last:
            later.add(figures.count, figures.amount, figures.weighted)
    if later.count and current <= last:
        lines.append(PeriodLine(current, LATER, later.rounded(converted.currency)))
    return lines


def by_month(
    converted: Converted,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[PeriodLine]:
    """The weighted forecast per month of the expected close date, every month from
    ``first`` (or the earliest) to ``last`` (or the latest), empty ones at zero; at
    most :data:`MAX_MONTHS` of them, and then one line for the later ones."""
    return _periods(converted, MONTHS, first, last, MAX_MONTHS)


def by_quarter(
    converted: Converted,
    *,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
) -> list[PeriodLine]:
    """The same per calendar quarter (at most :data:`MAX_QUARTERS`)."""
    return _periods(converted, QUARTERS, first, last, MAX_QUARTERS)
