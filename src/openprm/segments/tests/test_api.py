import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.models import Segment, StaticListMember
from openprm.segments.tests.factories import SegmentFactory, StaticListFactory

pytestmark = pytest.mark.django_db

SEGMENTS = "/api/v1/segments"
EMEA = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def headers():
    return bearer(VendorUserFactory(vendor_role="channel_marketing"))


def send(client, method, url, body, headers):
    return getattr(client, method)(
        url, body, content_type="application/json", headers=headers
    )


def test_create_read_update_delete_a_segment(client, headers):
    PartnerFactory(region="EMEA")
    PartnerFactory(region="NA", country="US")

    created = send(
        client,
        "post",
        SEGMENTS,
        {"name": "EMEA", "kind": "dynamic", "rule": EMEA},
        headers,
    )
    assert created.status_code == 201
    segment_id = created.json()["id"]
    assert created.json()["member_count"] == 1

    changed = send(
        client,
        "patch",
        f"{SEGMENTS}/{segment_id}",
        {"rule": {"field": "region", "op": "in", "value": ["EMEA", "NA"]}},
        headers,
    )
    assert changed.json()["member_count"] == 2

    assert client.delete(f"{SEGMENTS}/{segment_id}", headers=headers).status_code == 204
    assert Segment.objects.count() == 0


def test_preview_counts_a_draft_rule(client, headers):
    PartnerFactory(region="EMEA")

    response = send(client, "post", f"{SEGMENTS}/preview", {"rule": EMEA}, headers)

    assert response.json() == {"count": 1}


def test_preview_of_an_invalid_rule_is_a_422_problem_with_field_paths(client, headers):
    rule = {"any": [{"field": "region", "op": "gt", "value": "EMEA"}]}

    response = send(client, "post", f"{SEGMENTS}/preview", {"rule": rule}, headers)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "rule.any.0.op", "message": "Use one of: eq, in."}
    ]


def test_unknown_fields_are_refused(client, headers):
    response = send(
        client, "post", SEGMENTS, {"name": "X", "kind": "static", "colour": 1}, headers
    )

    assert response.status_code == 422
    assert Segment.objects.count() == 0


def test_static_list_add_list_and_remove(client, headers):
    segment, partner = StaticListFactory(), PartnerFactory()
    url = f"{SEGMENTS}/{segment.public_id}/members"

    added = send(client, "post", url, {"partner": partner.pk}, headers)
    again = send(client, "post", url, {"partner": partner.pk}, headers)
    listed = client.get(url, headers=headers)
    removed = client.delete(f"{url}/{partner.pk}", headers=headers)

    assert (added.status_code, again.status_code, removed.status_code) == (
        201,
        409,
        204,
    )
    assert [item["id"] for item in listed.json()["items"]] == [partner.pk]
    assert StaticListMember.objects.count() == 0


def test_a_refused_write_changes_nothing(client):
    segment, partner = StaticListFactory(), PartnerFactory()
    analyst = bearer(VendorUserFactory(vendor_role="analyst"))
    events, audits = OutboxEvent.objects.count(), AuditEntry.objects.count()

    response = send(
        client,
        "post",
        f"{SEGMENTS}/{segment.public_id}/members",
        {"partner": partner.pk},
        analyst,
    )

    assert response.status_code == 403
    assert StaticListMember.objects.count() == 0
    assert (OutboxEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)


def test_listing_segments_runs_the_same_queries_for_one_or_many(client, headers):
    SegmentFactory()
    client.get(SEGMENTS, headers=headers)
    with CaptureQueriesContext(connection) as one:
        client.get(SEGMENTS, headers=headers)
    for _ in range(4):
        SegmentFactory()
        StaticListFactory()

    with CaptureQueriesContext(connection) as many:
        response = client.get(SEGMENTS, headers=headers)

    assert response.json()["count"] == 9
    assert len(many) == len(one)


def test_listing_members_runs_the_same_queries_for_one_or_many(client, headers):
    segment = SegmentFactory(rule=EMEA)
    PartnerFactory(region="EMEA")
    url = f"{SEGMENTS}/{segment.public_id}/members"
    client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as one:
        client.get(url, headers=headers)
    for _ in range(5):
        PartnerFactory(region="EMEA")

    with CaptureQueriesContext(connection) as many:
        response = client.get(url, headers=headers)

    assert response.json()["count"] == 6
    assert len(many) == len(one)
