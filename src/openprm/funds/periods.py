"""The vendor's fiscal calendar: a fiscal year of four quarters starting in any
month. Pure: no I/O."""

import datetime
from dataclasses import dataclass

from django.conf import settings


def start_month() -> int:
    """The month (1-12) the fiscal year starts in
    (``OPENPRM_FISCAL_YEAR_START_MONTH``)."""
    month = int(getattr(settings, "OPENPRM_FISCAL_YEAR_START_MONTH", 1))
    if not 1 <= month <= 12:
        raise ValueError("OPENPRM_FISCAL_YEAR_START_MONTH is a month, 1 to 12")
    return month


@dataclass(frozen=True)
class Quarter:
    fiscal_year: int
    quarter: int
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def name(self) -> str:
        return f"FY{self.fiscal_year} Q{self.quarter}"


def _month_start(year: int, month: int) -> datetime.date:
    """The first day of ``month`` counted from January of ``year`` (13 is next
    January)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return datetime.date(year, month, 1)


def quarters(fiscal_year: int, *, first_month: int) -> list[Quarter]:
    """The four quarters of ``fiscal_year``, which ends in the calendar year of its
    name (FY2027 starting in July runs from 1 July 2026 to 30 June 2027); a year
    starting in January is the calendar year."""
    first_year = fiscal_year if first_month == 1 else fiscal_year - 1
    result = []
    for index in range(4):
        starts_on = _month_start(first_year, first_month + 3 * index)
        next_start = _month_start(first_year, first_month + 3 * index + 3)
        result.append(
            Quarter(
                fiscal_year=fiscal_year,
                quarter=index + 1,
                starts_on=starts_on,
                ends_on=next_start - datetime.timedelta(days=1),
            )
        )
    return result


def fiscal_year_of(day: datetime.date, *, first_month: int) -> int:
    """The fiscal year ``day`` falls in."""
    if first_month == 1 or day.month < first_month:
        return day.year
    return day.year + 1
