"""One way of showing money, numbers, countries and choices on every page."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from openprm.core.formatting import format_money, format_number
from openprm.partners.choices import Industry, PartnerType


def render(text: str, **context) -> str:
    return Template("{% load words %}" + text).render(Context(context))


def test_money_is_grouped_with_the_currency_minor_units():
    assert format_money(Decimal("35000"), "USD") == "35,000.00 USD"
    assert format_money(Decimal("23000.5"), "EUR") == "23,000.50 EUR"
    assert format_money(Decimal("2000000"), "JPY") == "2,000,000 JPY"
    assert format_money(Decimal("1.2345"), "KWD") == "1.235 KWD"
    assert render("{{ a|money:c }}", a=Decimal("35000.00"), c="USD") == "35,000.00 USD"
    assert render("{{ a|money:c }}", a=None, c="USD") == ""


def test_money_follows_the_reader_language():
    with translation.override("de"):
        assert format_money(Decimal("35000"), "EUR") == "35.000,00 EUR"


def test_numbers_drop_decimals_only_when_whole():
    assert format_number(Decimal("2.00")) == "2"
    assert format_number(Decimal("2000000.00")) == "2,000,000"
    assert format_number(Decimal("2.5")) == "2.5"
    assert format_number(23) == "23"
    assert render("{{ n|number }}", n=Decimal("10.00")) == "10"


def test_choices_render_their_labels():
    assert (
        render(
            "{{ codes|labels:choices }}",
            codes=["msp", "system_integrator"],
            choices=PartnerType.choices,
        )
        == "Managed service provider, System integrator"
    )
    assert render("{{ c|label:choices }}", c="public_sector", choices=Industry) == (
        "Public sector"
    )
    assert render("{{ c|label:choices }}", c="gone", choices=Industry) == "gone"


def test_countries_render_by_name():
    assert render("{{ c|country }}", c="US") == "United States of America"
