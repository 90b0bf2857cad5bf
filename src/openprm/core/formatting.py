"""Numbers and money as people read them, in the active language (the ``words``
template filters and the sentences services write both use these)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format

from openprm.core import iso


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def format_number(value, decimal_pos: int | None = None) -> str:
    """``value`` grouped and punctuated for the active language; whole numbers
    without decimals unless ``decimal_pos`` asks for them."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if decimal_pos is None and number == number.to_integral_value():
        decimal_pos = 0
    if decimal_pos is not None:
        # Rounded half away from zero, as money is (Django's formatting truncates).
        number = number.quantize(Decimal(1).scaleb(-decimal_pos), ROUND_HALF_UP)
    return number_format(
        number, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True
    )


def format_money(amount, currency: str = "") -> str:
    """``amount`` with the minor units of ``currency`` and its code after it."""
    number = _decimal(amount)
    if number is None:
        return "" if amount is None else str(amount)
    text = format_number(number, iso.minor_units(currency) if currency else 2)
    return f"{text} {currency}" if currency else text


def _label_map(choices) -> dict[str, str]:
    choices = getattr(choices, "choices", choices) or ()
    return {str(code): str(label) for code, label in choices}


def choice_label(code, choices) -> str:
    """The label of one stored ``code`` among ``choices`` (a list of pairs or a
    choices class); the code itself when it is not one of them (a value a
    deployment has since removed)."""
    if code in (None, ""):
        return ""
    return _label_map(choices).get(str(code), str(code))


def choice_labels(codes, choices) -> str:
    """The labels of a list of codes, joined with commas."""
    if not codes:
        return ""
    names = _label_map(choices)
    return ", ".join(names.get(str(code), str(code)) for code in codes)
