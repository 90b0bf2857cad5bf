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

from django import template

from openprm.core import iso
from openprm.core.formatting import format_money, format_number

register = template.Library()


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
