"""REST endpoints of audiences: CRUD with field-level 422s, reach, preview and a
partner's explanation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.models import Audience
from openprm.segments.tests.factories import AudienceFactory
from openprm.segments.tests.test_api import bearer, send
from openprm.tenancy.tests.factories import MembershipFactory, partner_user

pytestmark = pytest.mark.django_db

AUDIENCES = "/api/v1/audiences"
EMEA = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


@pytest.fixture
def headers():
    return bearer(VendorUserFactory(vendor_role="channel_marketing"))


@pytest.fixture
def emea_partner():
    partner = PartnerFactory(region="EMEA")
    MembershipFactory(partner=partner, roles=["marketing"])
    MembershipFactory(partner=partner, roles=["technical"])
    PartnerFactory(region="NA", country="US")
    return partner


def test_create_read_change_an_audience_with_its_reach(client, headers, emea_partner):
    created = send(
        client,
        "post",
        AUDIENCES,
        {"name": "EMEA tech", "rule": EMEA, "partner_roles": ["technical"]},
        headers,
    )
    assert created.status_code == 201
    body = created.json()
    assert body["reach"] == {"partners": 1, "users": 1, "is_valid": True}
    audience_id = body["id"]

    listed = client.get(AUDIENCES, headers=headers).json()
    assert [item["name"] for item in listed["items"]] == ["EMEA tech"]

    changed = send(
        client,
        "patch",
        f"{AUDIENCES}/{audience_id}",
        {"partner_roles": []},
        headers,
    )
    assert changed.json()["reach"]["users"] == 2
    reach = client.get(f"{AUDIENCES}/{audience_id}/reach", headers=headers).json()
    assert reach == {"partners": 1, "users": 2, "is_valid": True}
    detail = client.get(f"{AUDIENCES}/{audience_id}", headers=headers).json()
    assert detail["partner_roles"] == []


def test_invalid_input_is_a_422_by_field(client, headers):
    response = send(
        client,
        "post",
        AUDIENCES,
        {
            "name": " ",
            "rule": {"all": [{"field": "tier", "op": "gte", "value": "Gold"}]},
            "partner_roles": ["boss"],
        },
        headers,
    )

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"name", "rule.all.0.value", "partner_roles"}
    assert not Audience.objects.exists()
    assert not AuditEntry.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_preview_counts_a_draft_or_refuses_it_by_path(client, headers, emea_partner):
    counted = send(
        client,
        "post",
        f"{AUDIENCES}/preview",
        {"rule": EMEA, "partner_roles": ["marketing"]},
        headers,
    )
    refused = send(
        client,
        "post",
        f"{AUDIENCES}/preview",
        {"rule": {"any": []}},
        headers,
    )

    assert counted.json() == {"partners": 1, "users": 1, "is_valid": True}
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["rule.any"]


def test_a_partners_explanation(client, headers, emea_partner):
    AudienceFactory(name="EMEA", rule=EMEA, partner_roles=["marketing"])
    AudienceFactory(name="NA", rule={"field": "region", "op": "eq", "value": "NA"})

    response = client.get(
        f"/api/v1/partners/{emea_partner.public_id}/audiences", headers=headers
    )

    body = response.json()
    assert body["partner"] == str(emea_partner.public_id)
    by_name = {item["name"]: item for item in body["audiences"]}
    assert by_name["EMEA"]["holds"] is True
    assert by_name["EMEA"]["reasons"] == ["Region is EMEA"]
    assert by_name["EMEA"]["users"] == 1
    assert by_name["NA"]["holds"] is False
    assert by_name["NA"]["reasons"] == []
    assert {group["model"] for group in body["items"]} >= {
        "content.asset",
        "content.announcement",
    }


def test_partner_users_are_refused_everywhere(client, emea_partner):
    audience = AudienceFactory()
    headers = bearer(partner_user(partner=emea_partner, roles=["partner_admin"]))

    for method, url, body in [
        ("get", AUDIENCES, None),
        ("post", AUDIENCES, {"name": "x", "rule": EMEA}),
        ("post", f"{AUDIENCES}/preview", {"rule": EMEA}),
        ("get", f"{AUDIENCES}/{audience.public_id}", None),
        ("patch", f"{AUDIENCES}/{audience.public_id}", {"name": "y"}),
        ("get", f"{AUDIENCES}/{audience.public_id}/reach", None),
        ("get", f"/api/v1/partners/{emea_partner.public_id}/audiences", None),
    ]:
        if body is None:
            response = client.get(url, headers=headers)
        else:
            response = send(client, method, url, body, headers)
        assert response.status_code == 403, url
    assert Audience.objects.get().name == audience.name


def test_the_list_runs_the_same_queries_for_one_or_many(
    client, headers, django_assert_num_queries
):
    AudienceFactory()
    client.get(AUDIENCES, headers=headers)
    with CaptureQueriesContext(connection) as one:
        client.get(AUDIENCES, headers=headers)
    for _index in range(5):
        AudienceFactory()

    with django_assert_num_queries(len(one)):
        response = client.get(AUDIENCES, headers=headers)

    assert response.json()["count"] == 6
