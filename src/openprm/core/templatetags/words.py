"""People's words for what is stored as codes and numbers: ``{% load words %}``.

One place for how every page shows an amount of money, a number, a country, a
region or a list of choices, so that a deal and the pipeline never disagree:

- ``{{ amount|money:currency }}``: "35,000.00 USD", grouped and with the decimal
  separator of the reader's language, as many decimals as the currency has;
- ``{{ value|number }}``: "2,000,000", "2.5"; no ".00" on whole numbers;
- ``{{ code|country }}``: "Norway";
- ``{{ code|language }}``: "English";
- ``{{ codes|labels:choices }}``: "Managed service provider, System integrator",
  where ``choices`` is a list of (code, label) pairs or a Django choices class.
"""

from django import template

from openprm.core import iso
from openprm.core.formatting import (
    choice_label,
    choice_labels,
    format_money,
    format_number,
)

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


@register.filter
def label(code, choices):
    return choice_label(code, choices)


@register.filter
def labels(codes, choices):
    return choice_labels(codes, choices)


@register.filter
def language(code):
    return iso.language_name(code or "")
