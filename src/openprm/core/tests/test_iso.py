"""The ISO lists people pick from: countries by name, the region derived from a
country, currencies with a country's usual one."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from openprm.core import iso
from openprm.core.forms import CountryField, CurrencyField
from openprm.partners.choices import Region


def test_countries_are_offered_by_name_with_their_code_as_value():
    choices = dict(iso.country_choices())
    assert choices["NO"] == "Norway"
    assert choices["US"] == "United States of America"
    assert len(choices) >= 249
    names = [name for _code, name in iso.country_choices()]
    assert names[0] == "Afghanistan"


def test_a_country_name_follows_the_language():
    with translation.override("de"):
        assert iso.country_name("NO") == "Norwegen"
    assert iso.country_name("no") == "Norway"
    assert iso.country_name("") == ""
    assert iso.country_name("ZZ") == "ZZ"


def test_the_region_is_derived_from_the_country():
    assert iso.region_for_country("US") == Region.NORTH_AMERICA
    assert iso.region_for_country("CA") == Region.NORTH_AMERICA
    assert iso.region_for_country("BR") == Region.LATIN_AMERICA
    assert iso.region_for_country("MX") == Region.LATIN_AMERICA
    assert iso.region_for_country("NO") == Region.EMEA
    assert iso.region_for_country("ZA") == Region.EMEA
    assert iso.region_for_country("AE") == Region.EMEA
    assert iso.region_for_country("JP") == Region.APAC
    assert iso.region_for_country("au") == Region.APAC
    assert iso.region_for_country("AQ") == ""
    assert iso.region_for_country("XX") == ""


def test_every_country_but_antarctica_has_one_of_the_partner_regions():
    for code, _name in iso.country_choices():
        if code != "AQ":
            assert iso.region_for_country(code) in Region.values, code


def test_a_country_has_its_usual_currency():
    assert iso.currency_for_country("DE") == "EUR"
    assert iso.currency_for_country("NO") == "NOK"
    assert iso.currency_for_country("US") == "USD"
    assert iso.currency_for_country("JP") == "JPY"
    assert iso.currency_for_country("ZW", default="USD") == "USD"
    codes = {code for code, _label in iso.currency_choices()}
    for country, _name in iso.country_choices():
        currency = iso.currency_for_country(country)
        assert not currency or currency in codes


def test_the_country_field_validates_codes_and_shows_names():
    field = CountryField()
    assert field.clean("NO") == "NO"
    assert ("NO", "Norway") in list(field.choices)
    assert "data-searchable" in field.widget.attrs
    field = CurrencyField()
    assert field.clean("EUR") == "EUR"
    with pytest.raises(ValidationError):
        field.clean("XYZ")
    with pytest.raises(ValidationError):
        CountryField().clean("XX")
