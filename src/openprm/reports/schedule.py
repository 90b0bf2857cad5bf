"""When a scheduled report is sent next (no I/O).

A report goes out at ``SEND_AT`` in the site's time zone: weekly on its weekday,
monthly on its day of the month, or on the month's last day when the month is
shorter (a report on the 31st goes out on 28 or 29 February, 30 April).
"""

import calendar
import datetime

from django.utils import timezone

from openprm.reports.choices import Frequency

SEND_AT = datetime.time(6, 0)


def _at(day: datetime.date, tz) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, SEND_AT), tz)


def _monthly_day(year: int, month: int, day_of_month: int) -> datetime.date:
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day_of_month, last))


def next_run_after(
    after: datetime.datetime,
    *,
    frequency: str,
    weekday: int | None = None,
    day_of_month: int | None = None,
) -> datetime.datetime:
    """The first sending time strictly after ``after``."""
    tz = timezone.get_current_timezone()
    today = timezone.localtime(after, tz).date()
    if frequency == Frequency.WEEKLY:
        day = today + datetime.timedelta(days=(weekday - today.weekday()) % 7)
        if _at(day, tz) <= after:
            day += datetime.timedelta(days=7)
        return _at(day, tz)
    day = _monthly_day(today.year, today.month, day_of_month)
    if _at(day, tz) <= after:
        year, month = divmod(today.year * 12 + today.month, 12)
        day = _monthly_day(year, month + 1, day_of_month)
    return _at(day, tz)
