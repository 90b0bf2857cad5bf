import pytest
from django.http import QueryDict

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners import directory
from openprm.partners.directory.selectors import directory_partners
from openprm.partners.models import Contact, CustomFieldDefinition, PartnerDomain
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

    assert filters.custom == (("tier_code", "", ("gold",)),)


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


@pytest.mark.django_db
def test_language_and_parent_filters():
    top = PartnerFactory(name="Top", partner_type="distributor")
    PartnerFactory(name="Below", parent=top, profile={"languages": ["de", "en"]})
    PartnerFactory(name="French", profile={"languages": ["fr"]})

    assert _names("language=de") == ["Below"]
    assert _names("language=fr&language=de") == ["Below", "French"]
    assert _names(f"parent={top.public_id}") == ["Below"]
    assert _names("parent=none") == ["French", "Top"]


@pytest.mark.django_db
def test_the_parent_filter_takes_the_partners_id_or_its_public_id():
    top = PartnerFactory(name="Top", partner_type="distributor")
    PartnerFactory(name="Below", parent=top)
    PartnerFactory(name="Elsewhere")

    assert _names(f"parent={top.pk}") == ["Below"]
    assert _names(f"parent={top.public_id}") == ["Below"]


def test_parse_drops_a_parent_that_names_no_partner():
    for value in ("0", "-3", "abc", "9" * 30, "\u0663"):
        assert directory.parse({"parent": [value]}).parent == ""
    assert directory.parse({"parent": ["042"]}).parent == "42"


@pytest.mark.django_db
def test_band_filters():
    PartnerFactory(
        name="Big", profile={"employee_band": "5001+", "revenue_band": ">1b"}
    )
    PartnerFactory(name="Small", profile={"employee_band": "1-10"})

    assert _names("employee_band=5001%2B") == ["Big"]
    assert _names("revenue_band=%3E1b") == ["Big"]


@pytest.mark.django_db
def test_programme_and_tier_filters():
    from openprm.programs.tests.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(partner=PartnerFactory(name="Enrolled"))
    PartnerFactory(name="Not enrolled")

    assert _names(f"programme={enrolment.programme.public_id}") == ["Enrolled"]
    assert _names(f"tier={enrolment.tier_id}") == ["Enrolled"]
    assert _names(f"tier={enrolment.tier_id + 100}") == []


def _score(partner, scorecard, value, *, current=True):
    from openprm.scoring.models import PartnerScore

    PartnerScore.objects.create(
        partner=partner, scorecard=scorecard, score=value, is_current=current
    )


@pytest.mark.django_db
def test_score_range_and_score_sort():
    from openprm.scoring.tests.factories import ScorecardFactory

    card = ScorecardFactory()
    other = ScorecardFactory()
    high, low = PartnerFactory(name="High"), PartnerFactory(name="Low")
    PartnerFactory(name="Unscored")
    _score(high, card, 90)
    _score(high, card, 10, current=False)
    _score(low, card, 20)
    _score(low, other, 99)
    card_id = card.public_id

    assert _names(f"scorecard={card_id}&score_min=50") == ["High"]
    assert _names(f"scorecard={card_id}&score_max=50") == ["Low"]
    assert _names(f"scorecard={card_id}&score_min=10&score_max=95") == ["High", "Low"]
    assert _names(f"scorecard={card_id}&sort=-score") == ["High", "Low", "Unscored"]
    assert _names(f"scorecard={card_id}&sort=score") == ["Low", "High", "Unscored"]
    # Without a scorecard a score sort falls back to the name.
    assert _names("sort=-score") == ["High", "Low", "Unscored"]
    assert _names("score_min=50") == ["High", "Low", "Unscored"]


CUSTOM_TYPES = {
    "note": "text",
    "seats": "number",
    "since": "date",
    "level": "choice",
    "areas": "multi_choice",
    "certified": "boolean",
}


@pytest.mark.django_db
def test_custom_field_filters_follow_the_field_type():
    PartnerFactory(
        name="A",
        profile={
            "custom_fields": {
                "note": "Strong in Cloud",
                "seats": 50,
                "since": "2021-05-01",
                "level": "gold",
                "areas": ["cloud", "security"],
                "certified": True,
            }
        },
    )
    PartnerFactory(
        name="B",
        profile={
            "custom_fields": {
                "note": "retail only",
                "seats": 5,
                "since": "2024-01-15",
                "level": "silver",
                "areas": ["retail"],
                "certified": False,
            }
        },
    )
    PartnerFactory(name="C")

    def names(query):
        return _names(query, custom_keys=CUSTOM_TYPES)

    assert names("cf_note=cloud") == ["A"]
    assert names("cf_seats=5") == ["B"]
    assert names("cf_seats__min=10") == ["A"]
    assert names("cf_seats__max=10") == ["B"]
    assert names("cf_seats__min=1&cf_seats__max=100") == ["A", "B"]
    assert names("cf_since__min=2022-01-01") == ["B"]
    assert names("cf_since__max=2022-01-01") == ["A"]
    assert names("cf_since=2024-01-15") == ["B"]
    assert names("cf_level=gold&cf_level=silver") == ["A", "B"]
    assert names("cf_level=silver") == ["B"]
    assert names("cf_areas=security") == ["A"]
    assert names("cf_areas=retail&cf_areas=security") == ["A", "B"]
    assert names("cf_certified=true") == ["A"]
    assert names("cf_certified=false") == ["B"]


def test_custom_field_values_that_do_not_fit_the_type_drop():
    filters = directory.parse(
        QueryDict(
            "cf_seats__min=many&cf_since__max=yesterday&cf_certified=maybe"
            "&cf_note__min=a&cf_seats=7"
        ),
        custom_keys=CUSTOM_TYPES,
    )

    assert filters.custom == (("seats", "", ("7",)),)
    assert filters.custom_types == (("seats", "number"),)


def test_querystring_round_trips_every_filter():
    query = (
        "q=acme&country=DE&region=EMEA&manager=none&parent=none&employee_band=1-10"
        "&programme=00000000-0000-0000-0000-000000000001&tier=3"
        "&scorecard=00000000-0000-0000-0000-000000000002&score_min=10&score_max=90"
        "&sort=-score&status=active&type=msp&industry=retail&specialisation=cloud"
        "&tag=gold&language=de&cf_areas=cloud&cf_areas=retail&cf_seats__min=3"
    )
    filters = directory.parse(QueryDict(query), custom_keys=CUSTOM_TYPES)

    assert filters.is_filtered
    assert (
        directory.parse(QueryDict(filters.querystring()), custom_keys=CUSTOM_TYPES)
        == filters
    )
    assert "cf_seats__min=3" in filters.querystring()


@pytest.mark.django_db
def test_directory_query_count_does_not_depend_on_the_filters(
    django_assert_num_queries,
):
    from openprm.scoring.tests.factories import ScorecardFactory

    card = ScorecardFactory()
    for index in range(3):
        _score(PartnerFactory(profile={"custom_fields": {"seats": index}}), card, 50)
    user = VendorUserFactory()
    query = QueryDict(
        f"scorecard={card.public_id}&score_min=1&sort=-score&cf_seats__min=0"
        "&language=de&tag=x&parent=none"
    )
    filters = directory.parse(query, custom_keys=CUSTOM_TYPES)

    with django_assert_num_queries(1):
        list(directory_partners(user=user, filters=filters))
