import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import OutboxEvent
from openprm.leads.models import Lead, LeadStatus
from openprm.leads.tests.factories import LeadFactory, RuleFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.tests.test_api import bearer, send
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

LEADS = "/api/v1/leads"
LEAD = {"company": "Acme GmbH", "country": "DE", "region": "EMEA"}


@pytest.fixture
def headers():
    return bearer(VendorUserFactory(vendor_role="vendor_admin"))


@pytest.fixture
def partners():
    RuleFactory(name="Germany", countries=["DE"])
    return PartnerFactory(name="Alpha"), PartnerFactory(name="Beta")


def test_a_crm_push_creates_then_updates_by_external_id(client, headers, partners):
    url = f"{LEADS}/by-external-id/CRM-7"

    first = send(client, "put", url, LEAD, headers)
    again = send(client, "put", url, LEAD, headers)
    changed = send(client, "put", url, {**LEAD, "company": "Acme AG"}, headers)

    assert (first.status_code, again.status_code, changed.status_code) == (
        201,
        200,
        200,
    )
    body = first.json()
    assert body["external_id"] == "CRM-7"
    assert body["status"] == "offered"
    assert body["assignments"][0]["reasons"][0] == "Rule 'Germany' matches: country DE"
    assert Lead.objects.get().company == "Acme AG"
    assert OutboxEvent.objects.filter(name="lead.updated").count() == 1


def test_unknown_fields_are_refused(client, headers):
    response = send(client, "post", LEADS, {**LEAD, "colour": "red"}, headers)

    assert response.status_code == 422
    assert Lead.objects.count() == 0


def test_field_errors_come_back_as_problem_details(client, headers):
    response = send(client, "post", LEADS, {**LEAD, "region": "MARS"}, headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "region"


def test_the_partner_accepts_then_works_a_lead(client, headers, partners):
    lead_id = send(client, "post", LEADS, LEAD, headers).json()["id"]
    seller = bearer(partner_user(partner=partners[0], roles=["sales"]))

    accepted = send(client, "post", f"{LEADS}/{lead_id}/accept", {}, seller)
    working = send(
        client, "post", f"{LEADS}/{lead_id}/status", {"status": "working"}, seller
    )
    note = send(client, "post", f"{LEADS}/{lead_id}/notes", {"text": "Met"}, seller)

    assert (accepted.status_code, working.status_code, note.status_code) == (
        200,
        200,
        201,
    )
    assert working.json()["status"] == "working"


def test_a_rejection_hands_the_lead_to_the_next_partner(client, headers, partners):
    lead_id = send(client, "post", LEADS, LEAD, headers).json()["id"]
    seller = bearer(partner_user(partner=partners[0], roles=["sales"]))

    rejected = send(
        client, "post", f"{LEADS}/{lead_id}/reject", {"reason": "Too small"}, seller
    )
    after = client.get(f"{LEADS}/{lead_id}", headers=headers).json()

    assert rejected.status_code == 200
    assert (after["status"], after["partner_name"]) == ("offered", "Beta")
    assert client.get(f"{LEADS}/{lead_id}", headers=seller).status_code == 404


def test_import_returns_a_report_per_row(client, headers, partners):
    upload = SimpleUploadedFile(
        "leads.csv", b"company,country,region\nAcme,DE,EMEA\nBad,DE,MARS\n"
    )

    response = client.post(f"{LEADS}/import", {"file": upload}, headers=headers)

    body = response.json()
    assert response.status_code == 200
    assert (body["created"], body["failed"], body["routed"]) == (1, 1, 1)
    assert body["rows"][1]["errors"] == {"region": ["Choose a region."]}


def test_lead_list_queries_do_not_grow_with_rows(client, django_assert_num_queries):
    client.force_login(VendorUserFactory())
    headers = {}
    partner = PartnerFactory()
    for _ in range(3):
        LeadFactory(status=LeadStatus.OFFERED, current_partner=partner)
    with django_assert_num_queries(4):
        response = client.get(LEADS, headers=headers)
    assert response.json()["count"] == 3
    for _ in range(3):
        LeadFactory(status=LeadStatus.OFFERED, current_partner=partner)
    with django_assert_num_queries(4):
        response = client.get(LEADS, headers=headers)
    assert response.json()["count"] == 6


def test_a_partner_lists_only_its_own_leads(client):
    mine, other = PartnerFactory(), PartnerFactory()
    LeadFactory(status=LeadStatus.OFFERED, current_partner=mine, company="Mine")
    LeadFactory(status=LeadStatus.OFFERED, current_partner=other, company="Other")
    LeadFactory(status=LeadStatus.UNASSIGNED)
    seller = bearer(partner_user(partner=mine, roles=["sales"]))

    response = client.get(LEADS, headers=seller)

    assert [item["company"] for item in response.json()["items"]] == ["Mine"]


def test_rules_and_capacities(client, headers):
    partner = PartnerFactory()
    created = send(
        client,
        "post",
        "/api/v1/lead-rules",
        {"name": "Key", "strategy": "named", "named_partner": partner.pk},
        headers,
    )
    capacity = send(
        client,
        "put",
        f"/api/v1/lead-capacities/{partner.pk}",
        {"max_open_leads": 4},
        headers,
    )

    assert created.status_code == 201
    assert created.json()["named_partner"] == partner.pk
    assert capacity.json()["capacity"] == 4
    listed = client.get("/api/v1/lead-capacities", headers=headers).json()
    assert [row["partner_id"] for row in listed["items"]] == [partner.pk]


def test_a_partner_converts_an_accepted_lead_through_the_api(client, headers, partners):
    from datetime import date, timedelta

    lead_id = send(client, "post", LEADS, LEAD, headers).json()["id"]
    seller = bearer(partner_user(partner=partners[0], roles=["sales"]))
    send(client, "post", f"{LEADS}/{lead_id}/accept", {}, seller)

    response = send(
        client,
        "post",
        f"{LEADS}/{lead_id}/convert",
        {
            "title": "Acme network",
            "expected_close_date": str(date.today() + timedelta(days=20)),
            "lines": [{"product_line": "cloud", "quantity": 1, "amount": "500"}],
        },
        seller,
    )

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "converted"
    assert body["converted_deal_id"] is not None
