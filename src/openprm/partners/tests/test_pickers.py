"""The partner picker: its search endpoint (scope, limit, queries) and its form
field (what it renders, what it accepts, the search without JavaScript)."""

import pytest
from django import forms

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.pickers import PICK_LIMIT
from openprm.core.web import PORTAL
from openprm.partners.models import Partner
from openprm.partners.pickers import PartnerPickerField
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

CONSOLE_URL = "/console/partners/picker/"
PORTAL_URL = "/portal/partners/picker/"


@pytest.fixture
def channel():
    distributor = PartnerFactory(
        name="Acme Distribution", partner_type="distributor", downstream_visibility=True
    )
    reseller = PartnerFactory(name="Acme Resale", parent=distributor)
    sibling = PartnerFactory(name="Acme Sibling", parent=distributor)
    other = PartnerFactory(name="Acme Elsewhere")
    return distributor, reseller, sibling, other


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["results"]]


# --- the endpoint


@pytest.mark.django_db
def test_a_vendor_admin_finds_partners_by_part_of_their_name(client, channel):
    PartnerFactory(name="Northwind")
    client.force_login(VendorUserFactory())

    response = client.get(CONSOLE_URL, {"q": "acme"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [
            {"id": channel[0].pk, "name": "Acme Distribution"},
            {"id": channel[3].pk, "name": "Acme Elsewhere"},
            {"id": channel[1].pk, "name": "Acme Resale"},
            {"id": channel[2].pk, "name": "Acme Sibling"},
        ],
        "more": False,
    }


@pytest.mark.django_db
def test_the_search_returns_at_most_twenty_and_says_there_are_more(client):
    for number in range(PICK_LIMIT + 1):
        PartnerFactory(name=f"Globex {number:02d}")
    client.force_login(VendorUserFactory())

    answer = client.get(CONSOLE_URL, {"q": "globex"}).json()

    assert len(answer["results"]) == PICK_LIMIT
    assert answer["results"][0]["name"] == "Globex 00"
    assert answer["more"] is True


@pytest.mark.django_db
def test_an_empty_search_lists_the_first_partners_by_name(client, channel):
    client.force_login(VendorUserFactory())

    assert names(client.get(CONSOLE_URL)) == [
        "Acme Distribution",
        "Acme Elsewhere",
        "Acme Resale",
        "Acme Sibling",
    ]


@pytest.mark.django_db
def test_a_channel_manager_never_finds_a_partner_outside_their_scope(client, channel):
    manager = UserFactory(vendor_role="channel_manager")
    mine = PartnerFactory(name="Acme Mine", channel_manager=manager)
    client.force_login(manager)

    answer = client.get(CONSOLE_URL, {"q": "acme"}).json()

    assert answer == {"results": [{"id": mine.pk, "name": "Acme Mine"}], "more": False}


@pytest.mark.django_db
def test_a_reseller_finds_only_its_own_organisation(client, channel):
    _, reseller, _, _ = channel
    client.force_login(partner_user(partner=reseller))

    assert names(client.get(PORTAL_URL, {"q": "acme"})) == ["Acme Resale"]


@pytest.mark.django_db
def test_a_distributor_finds_its_downstream_partners_not_others(client, channel):
    distributor, _, _, _ = channel
    client.force_login(partner_user(partner=distributor))

    assert names(client.get(PORTAL_URL, {"q": "acme"})) == [
        "Acme Distribution",
        "Acme Resale",
        "Acme Sibling",
    ]


@pytest.mark.django_db
def test_a_partner_user_cannot_use_the_consoles_search(client, channel):
    client.force_login(partner_user(partner=channel[0]))

    assert client.get(CONSOLE_URL, {"q": "acme"}).status_code == 403


@pytest.mark.django_db
def test_quotes_and_wildcards_are_plain_text(client, channel):
    PartnerFactory(name='50% "Off" Ltd')
    client.force_login(VendorUserFactory())

    assert names(client.get(CONSOLE_URL, {"q": '0% "off'})) == ['50% "Off" Ltd']
    assert names(client.get(CONSOLE_URL, {"q": "%"})) == ['50% "Off" Ltd']


@pytest.mark.django_db
def test_the_search_costs_the_same_queries_whatever_the_partners(
    client, django_assert_num_queries
):
    for number in range(3):
        PartnerFactory(name=f"Initech {number}")
    client.force_login(VendorUserFactory())
    client.get(CONSOLE_URL, {"q": "initech"})  # the session's first read

    # The session, the user, the matches.
    with django_assert_num_queries(3):
        assert len(names(client.get(CONSOLE_URL, {"q": "initech"}))) == 3
    for number in range(3, 50):
        PartnerFactory(name=f"Initech {number}")
    with django_assert_num_queries(3):
        assert len(names(client.get(CONSOLE_URL, {"q": "initech"}))) == PICK_LIMIT


# --- the form field


class PickForm(forms.Form):
    partner = PartnerPickerField(required=False, empty_label="All partners")

    def __init__(self, *args, partners, area="console", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].set_partners(partners, area=area)


@pytest.mark.django_db
def test_the_field_renders_only_the_empty_option_and_the_chosen_partner(channel):
    _, reseller, _, _ = channel

    html = str(
        PickForm({"partner": str(reseller.pk)}, partners=Partner.objects)["partner"]
    )

    assert html.count("<option") == 2
    assert '<option value="">All partners</option>' in html
    assert f'<option value="{reseller.pk}" selected>Acme Resale</option>' in html
    assert 'data-search-url="/console/partners/picker/"' in html
    assert 'name="partner_search"' in html
    assert 'aria-label="Search partners"' in html


@pytest.mark.django_db
def test_an_unbound_field_queries_nothing(channel, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = str(PickForm(partners=Partner.objects.all())["partner"])

    assert html.count("<option") == 1


@pytest.mark.django_db
def test_a_chosen_partner_is_checked_and_shown_with_one_query(
    channel, django_assert_num_queries
):
    reseller = channel[1]
    form = PickForm({"partner": str(reseller.pk)}, partners=Partner.objects.all())

    with django_assert_num_queries(1):
        assert form.is_valid()
        html = str(form["partner"])

    assert form.cleaned_data["partner"] == reseller.pk
    assert "Acme Resale" in html


@pytest.mark.django_db
def test_a_partner_outside_the_scope_is_a_form_error(channel):
    distributor, reseller, _, other = channel
    form = PickForm(
        {"partner": str(other.pk)},
        partners=Partner.objects.filter(pk__in=[distributor.pk, reseller.pk]),
    )

    assert not form.is_valid()
    assert form.errors["partner"] == ["Choose a partner from the list."]
    assert "Acme Elsewhere" not in str(form["partner"])


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "99999999", "-1", "1.5"])
def test_a_bad_partner_id_is_a_form_error(channel, value):
    form = PickForm({"partner": value}, partners=Partner.objects.all())

    assert not form.is_valid()
    assert form.errors["partner"] == ["Choose a partner from the list."]


@pytest.mark.django_db
def test_a_search_without_javascript_lists_the_matches_to_choose_from(channel):
    PartnerFactory(name="Northwind")
    form = PickForm({"partner": "", "partner_search": "acme"}, partners=Partner.objects)

    assert not form.is_valid()
    assert form.errors["partner"] == ["Choose one of the partners that match “acme”."]
    html = str(form["partner"])
    assert html.count("<option") == 5
    assert "Northwind" not in html
    assert 'value="acme"' in html


@pytest.mark.django_db
def test_a_search_without_javascript_that_finds_nothing_says_so(channel):
    form = PickForm({"partner_search": "zzz"}, partners=Partner.objects.all())

    assert not form.is_valid()
    assert form.errors["partner"] == ["No partner matches “zzz”."]


@pytest.mark.django_db
def test_a_chosen_partner_wins_over_the_search_text(channel):
    reseller = channel[1]
    form = PickForm(
        {"partner": str(reseller.pk), "partner_search": "elsewhere"},
        partners=Partner.objects.all(),
    )

    assert form.is_valid()
    assert form.cleaned_data["partner"] == reseller.pk


@pytest.mark.django_db
def test_the_portal_field_searches_through_the_portal(channel):
    html = str(PickForm(partners=Partner.objects.all(), area=PORTAL)["partner"])

    assert 'data-search-url="/portal/partners/picker/"' in html
