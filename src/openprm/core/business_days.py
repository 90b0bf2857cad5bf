"""Business-day arithmetic for SLAs (approval deadlines, reminders, escalations).

Weekends never count; the public holidays of ``OPENPRM_HOLIDAY_COUNTRY`` (when set)
don't either. Times keep their time of day: an application received on Friday at
15:00 with a two-business-day SLA is due on Tuesday at 15:00.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from django.conf import settings


@lru_cache(maxsize=64)
def _holidays(country: str, year: int) -> frozenset[date]:
    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_business_day(day: date, *, country: str | None = None) -> bool:
    country = settings.OPENPRM_HOLIDAY_COUNTRY if country is None else country
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def add_business_days(
    start: datetime, days: int, *, country: str | None = None
) -> datetime:
    """``start`` moved forward by ``days`` business days (``days`` ≥ 0).

    A start outside business days first moves to the next business day at the same
    time, so zero days from a Saturday is the following Monday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    moment = start
    while not is_business_day(moment.date(), country=country):
        moment += timedelta(days=1)
    remaining = days
    while remaining:
        moment += timedelta(days=1)
        if is_business_day(moment.date(), country=country):
            remaining -= 1
    return moment
