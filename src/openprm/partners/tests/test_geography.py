"""Countries, regions and currencies as people pick them (partners/geography.py)."""

import pytest

from openprm.partners.geography import (
    country_choices,
    country_name,
    currency_choices,
    currency_for,
    region_for,
)


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("US", "NA"),
        ("CA", "NA"),
        ("MX", "LATAM"),
        ("BR", "LATAM"),
        ("DE", "EMEA"),
        ("NO", "EMEA"),
        ("ZA", "EMEA"),
        ("AE", "EMEA"),
        ("JP", "APAC"),
        ("AU", "APAC"),
        ("IN", "APAC"),
    ],
)
def test_each_country_has_its_region(country, region):
    assert region_for(country) == region


@pytest.mark.parametrize(
    ("country", "currency"),
    [("DE", "EUR"), ("FR", "EUR"), ("NO", "NOK"), ("GB", "GBP"), ("US", "USD")],
)
def test_a_partner_trades_in_its_countrys_currency(country, currency):
    assert currency_for(country) == currency


def test_every_default_currency_is_offered():
    offered = {code for code, _label in currency_choices()}
    assert {currency_for(code) for code, _name in country_choices()} <= offered


def test_countries_are_named():
    assert country_name("NO") == "Norway"
    assert ("NO", "Norway") in [tuple(item) for item in country_choices()]
    assert len(country_choices()) == 249
