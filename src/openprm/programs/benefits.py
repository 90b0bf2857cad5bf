"""What a tier benefit's value must be, by kind (no I/O).

Values are stored as JSON: decimals as strings (exact), whole days as integers,
eligibility as a boolean, content access as text.
"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from openprm.programs.choices import BenefitKind


class BenefitValueError(ValueError):
    pass


def parse_decimal(raw) -> Decimal:
    """A finite decimal from a number or text, or BenefitValueError."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise BenefitValueError(_("Enter a number.")) from None
    if not value.is_finite():
        raise BenefitValueError(_("Enter a number."))
    return value


def clean_benefit_value(kind: str, raw):
    """The JSON value to store for ``kind``, or BenefitValueError with a message."""
    if kind == BenefitKind.DISCOUNT_PERCENT:
        value = parse_decimal(raw)
        if not Decimal(0) <= value <= Decimal(100):
            raise BenefitValueError(_("A discount is between 0 and 100 %."))
        return str(value)
    if kind == BenefitKind.POINTS_MULTIPLIER:
        value = parse_decimal(raw)
        if value <= 0:
            raise BenefitValueError(_("A multiplier is greater than 0."))
        return str(value)
    if kind == BenefitKind.DEAL_PROTECTION_DAYS:
        value = parse_decimal(raw)
        if value != value.to_integral_value() or value < 0:
            raise BenefitValueError(_("Enter a whole number of days, 0 or more."))
        return int(value)
    if kind == BenefitKind.FUND_ELIGIBLE:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off", ""):
            return False
        raise BenefitValueError(_("Enter yes or no."))
    if kind == BenefitKind.CONTENT_ACCESS:
        text = str(raw if raw is not None else "").strip()
        if not text:
            raise BenefitValueError(_("Name the content this tier opens."))
        return text[:200]
    raise BenefitValueError(_("Unknown benefit."))


def display_value(kind: str, value) -> str:
    if kind == BenefitKind.DISCOUNT_PERCENT:
        return f"{value} %"
    if kind == BenefitKind.POINTS_MULTIPLIER:
        return f"x {value}"
    if kind == BenefitKind.DEAL_PROTECTION_DAYS:
        return str(_("%(days)s days") % {"days": value})
    if kind == BenefitKind.FUND_ELIGIBLE:
        return str(_("Yes") if value else _("No"))
    return str(value)
