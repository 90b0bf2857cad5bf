"""A metric's figure in people's words: money in the reporting currency, a
percentage, hours, a count; a dash when there is nothing to divide by."""

from decimal import Decimal

from django.utils.translation import gettext as _

from openprm.core.formatting import format_money, format_number
from openprm.currencies import money
from openprm.metrics.catalogue import Metric, Unit


def figure(value: Decimal | None, metric: Metric) -> str:
    if value is None:
        return "—"
    if metric.unit == Unit.MONEY:
        return format_money(value, money.reporting_currency())
    if metric.unit == Unit.PERCENT:
        return _("%(value)s%%") % {
            "value": format_number(value.quantize(Decimal("0.1")))
        }
    if metric.unit == Unit.HOURS:
        return _("%(value)s h") % {
            "value": format_number(value.quantize(Decimal("0.1")))
        }
    return format_number(value.normalize() if value == value.to_integral() else value)


def plain(value: Decimal | None) -> float | None:
    """A number for a chart or a spreadsheet cell (exports keep two decimals)."""
    return None if value is None else float(value)
