"""Keeping the rollups: recompute cells from the facts, in set-based SQL.

Every series' ``build`` gives a grouped queryset of the facts; its SQL is wrapped in
``INSERT INTO ... SELECT`` so the database computes and writes the figures without a
row passing through Python. The same statements serve the outbox subscriber (the
cells an event touched) and the nightly rebuild (a window of days, every partner), so
a rebuilt rollup equals the maintained one unless an event was missed: the rebuild
counts and reports such drift before it repairs it.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from openprm.metrics.catalogue import SERIES
from openprm.metrics.models import DailyValue, MonthlyValue, RebuildRun, StagedValue

logger = logging.getLogger(__name__)

DRIFT_SAMPLE = 10


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Cells:
    """Which partner x day cells to compute: some partners (None: all) on some days
    (``days``) or in a window (``first_day``..``last_day``, inclusive)."""

    partner_ids: frozenset[int] | None = None
    days: frozenset[datetime.date] | None = None
    first_day: datetime.date | None = None
    last_day: datetime.date | None = None

    def restrict(self, queryset: QuerySet, *, partner: str, when: str, is_date=False):
        """``queryset`` limited to these cells: ``partner`` is the partner id's
        field, ``when`` the fact's date or date-time field."""
        lookup = when if is_date else f"{when}__date"
        if self.partner_ids is not None:
            queryset = queryset.filter(**{f"{partner}__in": sorted(self.partner_ids)})
        if self.days is not None:
            queryset = queryset.filter(**{f"{lookup}__in": sorted(self.days)})
        if self.first_day is not None:
            queryset = queryset.filter(**{f"{lookup}__gte": self.first_day})
        if self.last_day is not None:
            queryset = queryset.filter(**{f"{lookup}__lte": self.last_day})
        return queryset

    def months(self) -> "Cells":
        """The whole months these cells fall in (for the month rollup)."""
        if self.days is not None:
            starts = {month_start(day) for day in self.days}
            return Cells(
                partner_ids=self.partner_ids,
                first_day=min(starts),
                last_day=month_end(max(starts)),
            )
        return Cells(
            partner_ids=self.partner_ids,
            first_day=month_start(self.first_day),
            last_day=month_end(self.last_day),
        )


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _insert(table: str, columns: str, code: str, queryset: QuerySet) -> int:
    """``INSERT INTO table SELECT`` the rows (``p``, date, ``v``) of ``queryset``."""
    sql, params = queryset.order_by().query.sql_with_params()
    date_column = "m" if "month" in columns else "d"
    statement = (
        f"INSERT INTO {_quote(table)} ({columns}) "  # noqa: S608
        f"SELECT s.p, s.{date_column}, %s, s.v FROM ({sql}) s WHERE s.v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [code, *params])
        return max(cursor.rowcount, 0)


def _insert_days(table: str, cells: Cells, codes: Iterable[str]) -> int:
    written = 0
    for code in codes:
        if SERIES[code].build is None:  # a state: months only
            continue
        written += _insert(
            table, "partner_id, day, series, value", code, SERIES[code].build(cells)
        )
    return written


def _delete(model, cells: Cells, *, field: str) -> None:
    queryset = model.objects.all()
    if cells.partner_ids is not None:
        queryset = queryset.filter(partner_id__in=sorted(cells.partner_ids))
    if cells.days is not None:
        queryset = queryset.filter(**{f"{field}__in": sorted(cells.days)})
    if cells.first_day is not None:
        queryset = queryset.filter(**{f"{field}__gte": cells.first_day})
    if cells.last_day is not None:
        queryset = queryset.filter(**{f"{field}__lte": cells.last_day})
    queryset._raw_delete(queryset.db)


def refresh_months(cells: Cells) -> None:
    """Recompute the months of ``cells``: sums of the stored days, or the facts
    themselves for series that do not add up over days (distinct counts)."""
    months = cells.months()
    _delete(MonthlyValue, months, field="month")
    by_days = [code for code, series in SERIES.items() if series.build_month is None]
    summed = (
        DailyValue.objects.filter(
            series__in=by_days, day__gte=months.first_day, day__lte=months.last_day
        )
        .annotate(p=F("partner_id"), m=TruncMonth("day"), s=F("series"))
        .values("p", "m", "s")
        .annotate(v=Sum("value"))
    )
    if months.partner_ids is not None:
        summed = summed.filter(partner_id__in=sorted(months.partner_ids))
    sql, params = summed.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_quote(MonthlyValue._meta.db_table)} "  # noqa: S608
            "(partner_id, month, series, value) "
            f"SELECT s.p, s.m, s.s, s.v FROM ({sql}) s",
            params,
        )
    for code, series in SERIES.items():
        if series.build_month is None:
            continue
        parts = series.build_month(months)
        for part in parts if isinstance(parts, list) else [parts]:
            _insert(
                MonthlyValue._meta.db_table,
                "partner_id, month, series, value",
                code,
                part,
            )


@transaction.atomic
def refresh(*, partner_ids: Iterable[int], days: Iterable[datetime.date]) -> None:
    """Recompute every series for these partners on these days, and their months
    (the outbox subscriber's work; idempotent, so a repeated event is harmless)."""
    cells = Cells(partner_ids=frozenset(partner_ids), days=frozenset(days))
    if not cells.partner_ids or not cells.days:
        return
    _delete(DailyValue, cells, field="day")
    _insert_days(DailyValue._meta.db_table, cells, SERIES)
    refresh_months(cells)


def _drift(first_day: datetime.date, last_day: datetime.date) -> tuple[int, list]:
    """Cells of the window whose stored figure differs from the staged one."""
    staged = _quote(StagedValue._meta.db_table)
    daily = _quote(DailyValue._meta.db_table)
    window = "day >= %s AND day <= %s"
    both = [first_day, last_day]
    new_not_stored = (
        f"SELECT partner_id, day, series, value FROM {staged} EXCEPT "  # noqa: S608
        f"SELECT partner_id, day, series, value FROM {daily} WHERE {window}"
    )
    stored_not_new = (
        f"SELECT partner_id, day, series, value FROM {daily} WHERE {window} EXCEPT "  # noqa: S608
        f"SELECT partner_id, day, series, value FROM {staged}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM ("  # noqa: S608
            f"SELECT partner_id, day, series FROM ({new_not_stored}) a UNION "
            f"SELECT partner_id, day, series FROM ({stored_not_new}) b) c",
            both + both,
        )
        (count,) = cursor.fetchone()
        if not count:
            return 0, []
        cursor.execute(
            f"SELECT partner_id, day, series FROM ({new_not_stored}) a UNION "  # noqa: S608
            f"SELECT partner_id, day, series FROM ({stored_not_new}) b "
            f"ORDER BY 1, 2, 3 LIMIT {DRIFT_SAMPLE}",
            both + both,
        )
        keys = cursor.fetchall()
    sample = []
    for partner_id, day, series in keys:
        day = datetime.date.fromisoformat(str(day)[:10])
        stored = DailyValue.objects.filter(
            partner_id=partner_id, day=day, series=series
        ).first()
        new = StagedValue.objects.filter(
            partner_id=partner_id, day=day, series=series
        ).first()
        sample.append(
            {
                "partner": partner_id,
                "day": day.isoformat(),
                "series": series,
                "stored": str(stored.value) if stored else None,
                "recomputed": str(new.value) if new else None,
            }
        )
    return count, sample


@transaction.atomic
def rebuild(*, first_day: datetime.date, last_day: datetime.date) -> RebuildRun:
    """Recompute the whole months from ``first_day`` to ``last_day`` for every
    partner from the facts, record the cells that had drifted, and replace them."""
    window = Cells(first_day=first_day, last_day=last_day).months()
    run = RebuildRun.objects.create(
        first_day=window.first_day, last_day=window.last_day
    )
    StagedValue.objects.all()._raw_delete(StagedValue.objects.db)
    cells = _insert_days(StagedValue._meta.db_table, window, SERIES)
    drifted, sample = _drift(window.first_day, window.last_day)
    _delete(DailyValue, window, field="day")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_quote(DailyValue._meta.db_table)} "  # noqa: S608
            "(partner_id, day, series, value) "
            "SELECT partner_id, day, series, value "
            f"FROM {_quote(StagedValue._meta.db_table)}"
        )
    StagedValue.objects.all()._raw_delete(StagedValue.objects.db)
    refresh_months(window)
    run.cells, run.drifted, run.sample = cells, drifted, sample
    run.finished_at = timezone.now()
    run.save(update_fields=["cells", "drifted", "sample", "finished_at"])
    if drifted:
        logger.warning(
            "Metric rollups drifted: %s cells between %s and %s (e.g. %s)",
            drifted,
            window.first_day,
            window.last_day,
            sample[:3],
        )
    return run
