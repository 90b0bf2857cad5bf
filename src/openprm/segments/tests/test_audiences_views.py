"""Console pages of audiences: the list with reach, the form with its preview,
deactivation and the explanation of a partner."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.models import Audience
from openprm.segments.tests.factories import AudienceFactory
from openprm.tenancy.tests.factories import MembershipFactory, partner_user

pytestmark = pytest.mark.django_db

EMEA = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


@pytest.fixture
def marketing_client(client):
    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    return client


def test_the_list_shows_each_audiences_reach_in_constant_queries(
    marketing_client, django_assert_num_queries
):
    partner = PartnerFactory(region="EMEA")
    MembershipFactory(partner=partner, roles=["marketing"])
    PartnerFactory(region="NA", country="US")
    AudienceFactory(name="EMEA", rule=EMEA, partner_roles=["marketing"])
    url = reverse("console:audience_list")
    marketing_client.get(url)

    with CaptureQueriesContext(connection) as one:
        marketing_client.get(url)
    for index in range(5):
        AudienceFactory(name=f"More {index}", rule=EMEA)

    with django_assert_num_queries(len(one)):
        response = marketing_client.get(url)

    page = response.content.decode()
    assert page.count('data-testid="audience-row"') == 6
    assert '<td class="text-end" data-testid="reach-partners">1</td>' in page
    assert "Region is EMEA" in page
    assert "Marketing" in page


def test_the_preview_counts_the_draft_and_its_roles_or_shows_errors(marketing_client):
    partner = PartnerFactory(region="EMEA")
    MembershipFactory(partner=partner, roles=["marketing"])
    MembershipFactory(partner=partner, roles=["sales"])
    url = reverse("console:audience_preview")

    counted = marketing_client.post(
        url, {"rule": json.dumps(EMEA), "partner_roles": ["sales"]}
    ).content.decode()
    everyone = marketing_client.post(url, {"rule": ""}).content.decode()
    broken = marketing_client.post(url, {"rule": "{"}).content.decode()
    wrong = marketing_client.post(
        url, {"rule": json.dumps({"field": "region", "op": "eq", "value": "X"})}
    ).content.decode()

    assert "Reaches 1 partner" in counted and "1 user" in counted
    assert "Reaches 1 partner" in everyone and "2 users" in everyone
    assert "Not valid JSON" in broken
    assert "rule.value:" in wrong
    assert not Audience.objects.exists()


def test_create_through_the_form(marketing_client):
    response = marketing_client.post(
        reverse("console:audience_create"),
        {
            "name": "EMEA technical",
            "description": "",
            "rule": json.dumps(EMEA),
            "partner_roles": ["technical"],
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    audience = Audience.objects.get()
    assert (audience.rule, audience.partner_roles) == (EMEA, ["technical"])


def test_an_empty_rule_is_every_partner(marketing_client):
    marketing_client.post(
        reverse("console:audience_create"),
        {"name": "Everyone", "rule": "", "is_active": "on"},
    )

    assert Audience.objects.get().rule == {"all": []}


def test_the_form_shows_the_rules_errors_by_place(marketing_client):
    response = marketing_client.post(
        reverse("console:audience_create"),
        {
            "name": "Broken",
            "rule": json.dumps(
                {"all": [{"field": "region", "op": "eq", "value": "X"}]}
            ),
            "partner_roles": [],
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "rule.all.0.value: Unknown value X" in page
    assert not Audience.objects.exists()


def test_the_edit_form_offers_segments_to_the_rule_builder(marketing_client):
    from openprm.segments.tests.factories import SegmentFactory

    segment = SegmentFactory(name="Key accounts")
    audience = AudienceFactory(
        rule={"field": "segment", "op": "eq", "value": str(segment.public_id)}
    )

    response = marketing_client.get(
        reverse("console:audience_update", kwargs={"public_id": audience.public_id})
    )

    page = response.content.decode()
    assert 'data-testid="rule-builder"' in page
    assert "Key accounts" in page
    assert str(segment.public_id) in page


def test_deactivate(marketing_client):
    audience = AudienceFactory()

    marketing_client.post(
        reverse("console:audience_deactivate", kwargs={"public_id": audience.public_id})
    )

    audience.refresh_from_db()
    assert audience.is_active is False
    assert OutboxEvent.objects.get().name == "audience.deactivated"


def test_the_explain_page_finds_a_partner_and_explains_it(marketing_client):
    partner = PartnerFactory(name="Acme Reseller", region="EMEA")
    AudienceFactory(name="EMEA audience", rule=EMEA)
    url = reverse("console:audience_explain")

    found = marketing_client.get(url, {"q": "acme"}).content.decode()
    explained = marketing_client.get(
        url, {"partner": str(partner.public_id)}
    ).content.decode()

    assert f"?partner={partner.public_id}" in found
    assert "EMEA audience" in explained
    assert "Region is EMEA" in explained


def test_an_unknown_partner_is_404(marketing_client):
    response = marketing_client.get(
        reverse("console:audience_explain"), {"partner": "nope"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    "name",
    ["audience_list", "audience_create", "audience_explain"],
)
def test_partner_users_are_refused(client, name):
    client.force_login(partner_user(roles=["partner_admin", "marketing"]))

    assert client.get(reverse(f"console:{name}")).status_code == 403


def test_a_reader_sees_the_list_without_the_write_buttons(client):
    client.force_login(VendorUserFactory(vendor_role="analyst"))
    AudienceFactory(name="EMEA")

    page = client.get(reverse("console:audience_list")).content.decode()

    assert "EMEA" in page
    assert reverse("console:audience_create") not in page
    assert "Deactivate" not in page
