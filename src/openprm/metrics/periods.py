"""Reading a period from a request: months as ``YYYY-MM`` (no I/O)."""

import datetime
import re

from django.utils.translation import gettext as _

from openprm.core.errors import ValidationFailed
from openprm.metrics.selectors import Period, add_months

MAX_MONTHS = 36
DEFAULT_MONTHS = 12
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(text: str, field: str, errors: dict) -> datetime.date | None:
    found = _MONTH.match(text or "")
    if found and 1 <= int(found.group(2)) <= 12:
        return datetime.date(int(found.group(1)), int(found.group(2)), 1)
    errors[field] = [_("Give a month as YYYY-MM, e.g. 2026-03.")]
    return None


def period_from(first: str = "", last: str = "", *, today=None) -> Period:
    """The months asked for (default: the last 12, this one included); field
    errors for a malformed month, a reversed or too long period."""
    default = Period.trailing(DEFAULT_MONTHS, today=today)
    errors: dict = {}
    last_month = _month(last, "last_month", errors) if last else default.last
    first_month = (
        _month(first, "first_month", errors)
        if first
        else (add_months(last_month, 1 - DEFAULT_MONTHS) if last_month else None)
    )
    if not errors and first_month > last_month:
        errors["first_month"] = [_("The first month comes after the last one.")]
    elif not errors and len(Period(first_month, last_month).months()) > MAX_MONTHS:
        errors["first_month"] = [
            _("A period is at most %(months)s months.") % {"months": MAX_MONTHS}
        ]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return Period(first_month, last_month)
