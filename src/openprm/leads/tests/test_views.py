from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.leads import services
from openprm.leads.models import LeadAssignment, LeadRoutingRule, LeadStatus
from openprm.leads.tests.factories import LeadFactory, RuleFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

LEAD = {"company": "Acme GmbH", "country": "DE", "region": "EMEA"}
WEIGHTS = {
    "tier_weight": "1",
    "score_weight": "1",
    "acceptance_weight": "1",
    "win_weight": "1",
}


def offered(partner):
    lead = LeadFactory(status=LeadStatus.OFFERED, current_partner=partner)
    LeadAssignment.objects.create(
        lead=lead, partner=partner, respond_by=timezone.now() + timedelta(hours=5)
    )
    return lead


def test_console_list_runs_the_same_queries_for_more_leads(
    client, django_assert_num_queries
):
    client.force_login(VendorUserFactory())
    partner = PartnerFactory()
    for _ in range(3):
        offered(partner)
    url = reverse("console:lead_list")
    client.get(url)  # warm the session
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    for _ in range(4):
        offered(partner)
    with django_assert_num_queries(4):
        response = client.get(url)
    assert response.content.count(b"Customer ") == 7


def test_portal_list_shows_the_countdown_with_constant_queries(
    client, django_assert_num_queries
):
    partner = PartnerFactory()
    client.force_login(partner_user(partner=partner, roles=["sales"]))
    offered(partner)
    url = reverse("portal:lead_list")
    client.get(url)
    # One query fewer since home17c: the reader's roles come from the
    # memberships the portal's guard reads (core.permissions.reader_fact).
    with django_assert_num_queries(6):
        response = client.get(url)
    assert b"4\xc2\xa0hours" in response.content
    for _ in range(3):
        offered(partner)
    with django_assert_num_queries(6):
        client.get(url)


def test_console_detail_shows_reasons_and_passed_over(client):
    manager = VendorUserFactory()
    RuleFactory(name="Germany", strategy="weighted", countries=["DE"])
    alpha, _beta = PartnerFactory(name="Alpha"), PartnerFactory(name="Beta")
    lead = services.lead_create(actor=manager, data=LEAD)
    services.lead_reject(
        actor=partner_user(partner=alpha, roles=["sales"]), lead=lead, reason="No"
    )
    client.force_login(manager)

    page = client.get(reverse("console:lead_detail", args=[lead.public_id]))

    text = page.content.decode()
    assert "Rule &#x27;Germany&#x27; matches: country DE" in text
    assert "Alpha — rejected this lead before" in text


def test_portal_detail_hides_other_partners(client):
    manager = VendorUserFactory()
    RuleFactory(name="Germany", strategy="weighted", countries=["DE"])
    alpha, beta = PartnerFactory(name="Alpha"), PartnerFactory(name="Beta")
    lead = services.lead_create(actor=manager, data=LEAD)
    services.lead_reject(
        actor=partner_user(partner=alpha, roles=["sales"]), lead=lead, reason="No"
    )
    client.force_login(partner_user(partner=beta, roles=["sales"]))

    text = client.get(reverse("portal:lead_detail", args=[lead.public_id])).content

    assert b"Rule &#x27;Germany&#x27; matches" in text
    assert b"Alpha" not in text


def test_rule_editor_creates_a_rule(client):
    client.force_login(VendorUserFactory(vendor_role="channel_manager"))

    response = client.post(
        reverse("console:lead_rule_create"),
        {
            **WEIGHTS,
            "name": "DACH",
            "order": "1",
            "is_active": "on",
            "strategy": "weighted",
            "countries": ["DE", "AT", "CH"],
            "regions": ["EMEA"],
            "same_country": "on",
            "tier_weight": "2",
        },
    )

    assert response.status_code == 302
    rule = LeadRoutingRule.objects.get()
    assert (rule.countries, rule.regions, rule.tier_weight) == (
        ["DE", "AT", "CH"],
        ["EMEA"],
        2.0,
    )


def test_rule_editor_offers_countries_and_regions_by_name(client):
    client.force_login(VendorUserFactory(vendor_role="channel_manager"))
    rule = RuleFactory(name="Nordics", countries=["NO", "SE"], regions=["EMEA"])

    body = client.get(
        reverse("console:lead_rule_update", args=[rule.public_id])
    ).content.decode()

    assert 'name="countries"' in body and "data-searchable" in body
    assert '<option value="NO" selected>Norway</option>' in body
    assert '<option value="SE" selected>Sweden</option>' in body
    assert '<option value="DE">Germany</option>' in body
    assert 'value="EMEA" id="id_regions_2" checked' in body
    assert "Europe" in body  # the region's label, not its code alone
    assert "Comma-separated codes" not in body


def test_rule_editor_refuses_an_unknown_country_or_region_by_field(client):
    client.force_login(VendorUserFactory(vendor_role="channel_manager"))

    response = client.post(
        reverse("console:lead_rule_create"),
        {
            **WEIGHTS,
            "name": "Nowhere",
            "order": "1",
            "strategy": "weighted",
            "countries": ["DE", "ZZ"],
            "regions": ["MARS"],
        },
    )

    assert response.status_code == 200
    assert b'data-testid="error-countries"' in response.content
    assert b'data-testid="error-regions"' in response.content
    assert LeadRoutingRule.objects.count() == 0


def test_a_named_rule_without_partner_shows_the_field_error(client):
    client.force_login(VendorUserFactory())

    response = client.post(
        reverse("console:lead_rule_create"),
        {
            **WEIGHTS,
            "name": "Key",
            "order": "1",
            "strategy": "named",
        },
    )

    assert response.status_code == 200
    assert b'data-testid="error-named_partner"' in response.content
    assert LeadRoutingRule.objects.count() == 0
