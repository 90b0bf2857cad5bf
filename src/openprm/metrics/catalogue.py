"""The metric catalogue: what OpenPRM measures about a partner, and from what.

Two registries, both open to other apps (register from ``hooks.py``):

- a **series** is what the rollups store, per partner x day (and month): a sum or a
  count an event or a table feeds, computed by one set-based query (``build``) that
  the outbox subscriber runs for the cells an event touched and the nightly sweep
  runs for a whole window. ``events`` names the outbox events that change it.
- a **metric** is what people read: a name, a unit, an aggregation over a period
  (``sum``, ``count``, ``ratio`` of two series, ``latest`` month, ``median`` from a
  histogram of bucket series) and the series it reads.

Every app's figures (deals, leads, content, sales, points, funds, certifications)
are registered in ``sources.py``; another app may register more.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    COUNT = "count", _("Count")
    RATIO = "ratio", _("Ratio")
    LATEST = "latest", _("Latest")
    MEDIAN = "median", _("Median")
    # (return - cost) / cost, in %: the first series is the return, the second the
    # cost (a fund's ROI).
    RETURN = "return", _("Return on cost")


class Unit(models.TextChoices):
    MONEY = "money", _("reporting currency")
    COUNT = "count", _("count")
    PERCENT = "percent", _("%")
    HOURS = "hours", _("hours")
    USERS = "users", _("users")
    PEOPLE = "people", _("people")
    POINTS = "points", _("points")


@dataclass(frozen=True)
class Series:
    """A stored figure. ``build(cells)`` returns a queryset of rows ``p`` (partner
    id), ``d`` (date) and ``v`` (value) restricted to ``cells`` (``rollups.Cells``).
    ``build_month(cells)``, when given, computes the month figure from the facts
    (``p``, ``m`` first of month, ``v``): for distinct counts, which do not add up
    over days. A state held over time (people holding a certification) has no
    day figure: ``build`` is None and ``build_month`` gives each month's.
    ``build_month`` may return one queryset or a list of them (one per month)."""

    code: str
    label: str
    build: Callable | None
    events: tuple[str, ...] = ()
    build_month: Callable | None = None
    # The fact dates an event's payload carries (e.g. a win's "won_on"), besides the
    # day the event occurred: the subscriber recomputes those days too.
    payload_dates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    """A figure people read about a partner over a period."""

    code: str
    label: str
    unit: str
    aggregation: str
    series: tuple[str, ...]
    description: str = ""
    # For MEDIAN: the upper bound of each bucket series, in the metric's unit
    # (None for the last, open bucket).
    buckets: tuple[Decimal | None, ...] = field(default_factory=tuple)

    @property
    def fed_by(self) -> list[str]:
        """The outbox events that change this metric, for the catalogue page."""
        names: list[str] = []
        for code in self.series:
            for name in SERIES[code].events:
                if name not in names:
                    names.append(name)
        return names


SERIES: dict[str, Series] = {}
METRICS: dict[str, Metric] = {}


def register_series(series: Series) -> Series:
    SERIES[series.code] = series
    return series


def register_metric(metric: Metric) -> Metric:
    missing = [code for code in metric.series if code not in SERIES]
    if missing:
        raise ValueError(f"Metric {metric.code!r} reads unknown series {missing}")
    METRICS[metric.code] = metric
    return metric


def get_metric(code: str) -> Metric | None:
    return METRICS.get(code)


def metrics() -> list[Metric]:
    return list(METRICS.values())


def event_patterns() -> list[str]:
    """Every event some series listens to (the subscriber's filter)."""
    names: list[str] = []
    for series in SERIES.values():
        for name in series.events:
            if name not in names:
                names.append(name)
    return names


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if not denominator:
        return None
    return numerator / denominator


def _median(metric: Metric, counts: list[Decimal]) -> Decimal | None:
    """The median from bucket counts, interpolated linearly inside its bucket."""
    total = sum(counts, Decimal(0))
    if not total:
        return None
    half = total / 2
    seen = Decimal(0)
    lower = Decimal(0)
    for count, upper in zip(counts, metric.buckets, strict=True):
        if count and seen + count >= half:
            if upper is None:
                return lower
            return lower + (upper - lower) * (half - seen) / count
        seen += count
        lower = upper if upper is not None else lower
    return lower


def compute(
    metric: Metric, totals: dict[str, Decimal], latest: dict[str, Decimal]
) -> Decimal | None:
    """The metric's figure from its series' totals over a period (and, for
    ``latest``, the series' figure in the period's last month). None: no data to
    divide by."""
    values = [totals.get(code, Decimal(0)) for code in metric.series]
    if metric.aggregation in (Aggregation.SUM, Aggregation.COUNT):
        result = sum(values, Decimal(0))
    elif metric.aggregation == Aggregation.LATEST:
        result = latest.get(metric.series[0], Decimal(0))
    elif metric.aggregation == Aggregation.RATIO:
        # The denominator is the sum of the other series (won + lost).
        result = _divide(values[0], sum(values[1:], Decimal(0)))
        if result is not None and metric.unit == Unit.PERCENT:
            result *= 100
    elif metric.aggregation == Aggregation.MEDIAN:
        result = _median(metric, values)
    elif metric.aggregation == Aggregation.RETURN:
        cost = values[1]
        result = (values[0] - cost) * 100 / cost if cost else None
    else:
        raise ValueError(metric.aggregation)
    if result is None:
        return None
    places = Decimal("0.01")
    return result.quantize(places)
