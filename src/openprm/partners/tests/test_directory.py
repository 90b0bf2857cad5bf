import pytest
from django.http import QueryDict

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners import directory
from openprm.partners.models import Contact, CustomFieldDefinition, PartnerDomain
from openprm.partners.selectors_directory import directory_partners
from openprm.partners.tests.factories import PartnerFactory


def test_parse_drops_values_that_are_not_choices():
    filters = directory.parse(
        QueryDict("status=active&status=bogus&type=msp&region=MARS&sort=evil&country=d")
    )

    assert filters.status == ("active",)
    assert filters.type == ("msp",)
    assert filters.region == ""
    assert filters.country == ""
    assert filters.sort == "name"


def test_parse_keeps_only_readable_custom_fields():
    filters = directory.parse(
        QueryDict("cf_tier_code=gold&cf_secret=x"), custom_keys={"tier_code"}
    )

    assert filters.custom == (("tier_code", "gold"),)


def test_querystring_round_trips():
    filters = directory.parse(
        QueryDict("q=acme&status=active&status=prospect&country=de&sort=-created"),
    )

    assert filters.querystring() == (
        "q=acme&country=DE&sort=-created&status=active&status=prospect"
    )
    assert directory.parse(QueryDict(filters.querystring())) == filters


def _names(query: str, **parse_kwargs) -> list[str]:
    filters = directory.parse(QueryDict(query), **parse_kwargs)
    user = VendorUserFactory()
    return list(
        directory_partners(user=user, filters=filters).values_list("name", flat=True)
    )


@pytest.mark.django_db
def test_search_matches_a_domain_or_a_contact_once():
    acme = PartnerFactory(name="Acme")
    PartnerFactory(name="Globex")
    PartnerDomain.objects.create(partner=acme, domain="acme.example")
    Contact.objects.create(partner=acme, name="Ada Lovelace", email="ada@acme.example")
    Contact.objects.create(partner=acme, name="Ada Byron", email="byron@acme.example")

    assert _names("q=acme.example") == ["Acme"]
    assert _names("q=ada") == ["Acme"]
    assert _names("q=lovelace") == ["Acme"]


@pytest.mark.django_db
def test_list_filters_match_any_value_inside_the_json_lists():
    PartnerFactory(name="Cloudy", profile={"tags": ["cloud", "gold"]})
    PartnerFactory(name="Retail", profile={"industries": ["retail"]})
    PartnerFactory(name="Plain")

    assert _names("tag=cloud") == ["Cloudy"]
    assert _names("tag=gol") == []
    assert _names("industry=retail") == ["Retail"]
    assert _names("tag=gold&tag=missing") == ["Cloudy"]


@pytest.mark.django_db
def test_type_filter_matches_any_of_the_partners_types():
    PartnerFactory(
        name="Both",
        partner_type="reseller",
        profile={"partner_types": ["reseller", "msp"]},
    )
    PartnerFactory(name="Reseller", partner_type="reseller")

    assert _names("type=msp") == ["Both"]
    assert _names("type=reseller") == ["Both", "Reseller"]


@pytest.mark.django_db
def test_status_country_and_sort_combine():
    PartnerFactory(name="B", status="active", country="DE")
    PartnerFactory(name="A", status="active", country="FR")
    PartnerFactory(name="C", status="prospect", country="DE")

    assert _names("status=active&sort=-name") == ["B", "A"]
    assert _names("status=active&country=de") == ["B"]
    assert _names("sort=country") == ["B", "C", "A"]


@pytest.mark.django_db
def test_custom_field_filter():
    CustomFieldDefinition.objects.create(
        key="tier_code", label="Tier code", field_type="text"
    )
    PartnerFactory(name="Gold", profile={"custom_fields": {"tier_code": "gold"}})
    PartnerFactory(name="Silver", profile={"custom_fields": {"tier_code": "silver"}})

    assert _names("cf_tier_code=gold", custom_keys={"tier_code"}) == ["Gold"]
    assert _names("cf_tier_code=gold") == ["Gold", "Silver"]


@pytest.mark.django_db
def test_manager_none_lists_partners_without_a_channel_manager():
    manager = VendorUserFactory(vendor_role="channel_manager")
    PartnerFactory(name="Managed", channel_manager=manager)
    PartnerFactory(name="Orphan")

    assert _names("manager=none") == ["Orphan"]
    assert _names(f"manager={manager.public_id}") == ["Managed"]
