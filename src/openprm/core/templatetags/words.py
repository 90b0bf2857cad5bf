"""People's words for what is stored as codes and numbers: ``{% load words %}``.

One place for how every page shows an amount of money, a number, a country, a
region or a list of choices, so that a deal and the pipeline never disagree:

- ``{{ amount|money:currency }}``: "35,000.00 USD", grouped and with the decimal
  separator of the reader's language, as many decimals as the currency has;
- ``{{ value|number }}``: "2,000,000", "2.5"; no ".00" on whole numbers;
- ``{{ code|country }}``: "Norway";
- ``{{ codes|labels:choices }}``: "Managed service provider, System integrator",
  where ``choices`` is a list of (code, label) pairs or a Django choices class.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

from openprm.core import iso

register = template.Library()


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


@register.filter
def money(amount, currency=""):
    return format_money(amount, currency or "")


@register.filter
def number(value):
    return format_number(value)


@register.filter
def country(code):
    return iso.country_name(code or "")


def _label_map(choices) -> dict:
    choices = getattr(choices, "choices", choices) or ()
    return {str(code): str(label) for code, label in choices}


@register.filter
def label(code, choices):
    """The label of one stored ``code`` among ``choices`` (the code itself when it
    is not one of them: a value a deployment has since removed)."""
    if code in (None, ""):
        return ""
    return _label_map(choices).get(str(code), str(code))


@register.filter
def labels(codes, choices):
    """The labels of a list of codes, joined with commas."""
    if not codes:
        return ""
    names = _label_map(choices)
    return ", ".join(names.get(str(code), str(code)) for code in codes)
