from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.services import api_token_create
from openprm.core import audit, context
from openprm.core.models import AuditEntry
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory


def token_for(user) -> dict:
    _, secret = api_token_create(user=user, name="test", actor=user)
    return {"Authorization": f"Bearer {secret}"}


def partner_admin(partner, **fields):
    return MembershipFactory(partner=partner, roles=["partner_admin"], **fields).user


@pytest.fixture
def channel():
    """A distributor granted downstream visibility, a reseller beneath it, and
    another partner beside them; partner_create audited each."""
    distributor = PartnerFactory(
        name="Northwind", partner_type="distributor", downstream_visibility=True
    )
    reseller = PartnerFactory(name="Contoso", parent=distributor)
    other = PartnerFactory(name="Fabrikam")
    return distributor, reseller, other


def entries_of(response) -> list[str]:
    return [item["object_repr"] for item in response.json()["items"]]


@pytest.mark.django_db
def test_a_vendor_admin_reads_every_entry_with_its_partner_and_changes(client, channel):
    _distributor, reseller, _other = channel
    actor = VendorUserFactory(email="alex@vendor.example")
    headers = token_for(actor)
    before = audit.snapshot(reseller, ["city"])
    reseller.city = "Munich"
    reseller.save()
    with context.acting(request_id="req-42", client_ip="203.0.113.9"):
        audit.record_change(
            actor=actor, instance=reseller, before=before, verb="partner.moved"
        )

    response = client.get("/api/v1/audit-entries", headers=headers)

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 5  # three partners created, the token, the move
    moved = body["items"][0]
    assert moved == {
        "id": moved["id"],
        "occurred_at": moved["occurred_at"],
        "actor": str(actor.public_id),
        "actor_label": "alex@vendor.example",
        "token": None,
        "token_label": "",
        "action": "update",
        "verb": "partner.moved",
        "object_type": "partners.partner",
        "object_id": str(reseller.pk),
        "object_repr": "Contoso",
        "partner": reseller.pk,
        "changes": {"city": ["Berlin", "Munich"]},
        "request_id": "req-42",
        "client_ip": "203.0.113.9",
    }


@pytest.mark.django_db
def test_a_partner_admin_reads_only_their_own_organisations_entries(client, channel):
    _, _reseller, other = channel

    response = client.get(
        "/api/v1/audit-entries", headers=token_for(partner_admin(other))
    )

    assert entries_of(response) == ["Fabrikam"]
    assert response.json()["items"][0]["partner"] == other.pk


@pytest.mark.django_db
def test_a_partner_users_token_reads_nothing_of_another_partner(client, channel):
    _distributor, reseller, other = channel
    headers = token_for(partner_admin(other))
    theirs = AuditEntry.objects.get(partner_id=reseller.pk)

    filtered = client.get(
        f"/api/v1/audit-entries?partner={reseller.pk}", headers=headers
    )
    by_object = client.get(
        f"/api/v1/audit-entries?object_id={reseller.pk}", headers=headers
    )
    detail = client.get(f"/api/v1/audit-entries/{theirs.pk}", headers=headers)

    assert filtered.json() == {"items": [], "count": 0, "count_is_capped": False}
    assert by_object.json() == {"items": [], "count": 0, "count_is_capped": False}
    assert detail.status_code == 404
    assert detail.json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_distributor_reads_only_its_own_entries_not_its_resellers(client, channel):
    # Downstream visibility shares business data, not the reseller's own records of
    # who changed what (its team, its accounts).
    distributor, reseller, _ = channel
    headers = token_for(partner_admin(distributor))
    reseller_entry = AuditEntry.objects.get(partner_id=reseller.pk)

    listed = client.get("/api/v1/audit-entries", headers=headers)
    detail = client.get(f"/api/v1/audit-entries/{reseller_entry.pk}", headers=headers)

    assert sorted(entries_of(listed)) == ["Northwind"]
    assert detail.status_code == 404


@pytest.mark.django_db
def test_a_reseller_admin_never_reads_its_distributors_entries(client, channel):
    _distributor, reseller, _ = channel
    reseller.downstream_visibility = True
    reseller.save()

    response = client.get(
        "/api/v1/audit-entries", headers=token_for(partner_admin(reseller))
    )

    assert entries_of(response) == ["Contoso"]


@pytest.mark.django_db
def test_the_admin_role_counts_per_organisation(client, channel):
    _, reseller, other = channel
    user = partner_admin(other)
    MembershipFactory(user=user, partner=reseller, roles=["sales"])

    response = client.get("/api/v1/audit-entries", headers=token_for(user))

    assert entries_of(response) == ["Fabrikam"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user",
    [
        lambda partner: MembershipFactory(partner=partner, roles=["sales"]).user,
        lambda partner: MembershipFactory(partner=partner, roles=["learner"]).user,
        lambda partner: UserFactory(vendor_role="channel_manager"),
        lambda partner: UserFactory(vendor_role="analyst"),
        lambda partner: UserFactory(vendor_role="finance"),
    ],
    ids=["sales", "learner", "channel_manager", "analyst", "finance"],
)
def test_everyone_else_is_refused_with_403(client, channel, make_user):
    user = make_user(channel[1])
    headers = token_for(user)
    entry = AuditEntry.objects.get(partner_id=channel[1].pk)

    listed = client.get("/api/v1/audit-entries", headers=headers)
    detail = client.get(f"/api/v1/audit-entries/{entry.pk}", headers=headers)

    assert listed.status_code == detail.status_code == 403
    assert listed["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_an_inactive_membership_gives_no_admin_rights(client, channel):
    user = MembershipFactory(partner=channel[2], is_active=False).user

    response = client.get("/api/v1/audit-entries", headers=token_for(user))

    assert response.status_code == 403


@pytest.mark.django_db
def test_filters_narrow_the_list(client, channel):
    _distributor, reseller, other = channel
    actor = VendorUserFactory(email="alex@vendor.example")
    headers = token_for(actor)
    with context.acting(request_id="req-7"):
        audit.record_delete(
            actor=actor, instance=other, fields=["name"], verb="partner.removed"
        )

    def items(query: str) -> list[str]:
        response = client.get(f"/api/v1/audit-entries?{query}", headers=headers)
        assert response.status_code == 200, response.content
        return [
            f"{item['action']} {item['object_repr']}"
            for item in response.json()["items"]
        ]

    assert items("actor=ALEX@vendor.example&object_type=partners.partner") == [
        "delete Fabrikam"
    ]
    assert items("action=delete") == ["delete Fabrikam"]
    assert items("verb=partner.removed") == ["delete Fabrikam"]
    assert items("request_id=req-7") == ["delete Fabrikam"]
    assert items(f"partner={reseller.pk}") == ["create Contoso"]
    assert len(items("object_type=accounts.apitoken")) == 1
    assert items("sort=occurred_at&limit=2") == ["create Northwind", "create Contoso"]


@pytest.mark.django_db
def test_the_date_range_includes_its_start_and_excludes_its_end(client, channel):
    headers = token_for(VendorUserFactory())
    entry = AuditEntry.objects.get(partner_id=channel[0].pk)
    at = entry.occurred_at.isoformat().replace("+00:00", "Z")
    later = (entry.occurred_at + timedelta(microseconds=1)).isoformat()

    from_entry = client.get(
        "/api/v1/audit-entries",
        {"occurred_after": at, "partner": channel[0].pk},
        headers=headers,
    )
    until_entry = client.get(
        "/api/v1/audit-entries",
        {"occurred_before": at, "partner": channel[0].pk},
        headers=headers,
    )
    until_later = client.get(
        "/api/v1/audit-entries",
        {"occurred_before": later, "partner": channel[0].pk},
        headers=headers,
    )

    assert from_entry.json()["count"] == 1
    assert until_entry.json()["count"] == 0
    assert until_later.json()["count"] == 1


@pytest.mark.django_db
def test_unknown_filters_and_bad_values_are_422_problems(client, channel):
    headers = token_for(VendorUserFactory())

    unknown = client.get("/api/v1/audit-entries?partnr=1", headers=headers)
    bad_action = client.get("/api/v1/audit-entries?action=erase", headers=headers)
    bad_date = client.get("/api/v1/audit-entries?occurred_after=soon", headers=headers)
    too_many = client.get("/api/v1/audit-entries?limit=101", headers=headers)

    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "partnr", "message": "Unknown query parameter."}
    ]
    assert bad_action.status_code == bad_date.status_code == 422
    assert bad_action.json()["errors"][0]["field"] == "action"
    assert too_many.status_code == 422
    assert too_many["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make_reader", "queries"),
    [
        # token with its user, count, page
        (lambda partner: VendorUserFactory(), 3),
        # token with its user, the admin's memberships, count, page
        (lambda partner: partner_admin(partner), 4),
    ],
    ids=["vendor_admin", "partner_admin"],
)
def test_the_list_runs_the_same_queries_for_one_entry_or_a_full_page(
    client, make_reader, queries
):
    partner = PartnerFactory()
    headers = token_for(make_reader(partner))
    client.get("/api/v1/audit-entries", headers=headers)

    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/audit-entries", headers=headers)
    for number in range(60):
        partner.city = f"City {number}"
        audit.record_create(
            actor=None, instance=partner, fields=["city"], verb="test.created"
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/audit-entries?limit=50", headers=headers)

    assert len(response.json()["items"]) == 50
    assert len(few) == len(many) == queries


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_api(client, channel):
    headers = token_for(VendorUserFactory())
    entry = AuditEntry.objects.get(partner_id=channel[0].pk)

    responses = [
        client.generic(
            method, f"/api/v1/audit-entries/{entry.pk}", "{}", headers=headers
        )
        for method in ("PUT", "PATCH", "DELETE")
    ]
    created = client.post(
        "/api/v1/audit-entries", {}, content_type="application/json", headers=headers
    )

    assert [response.status_code for response in responses] == [405, 405, 405]
    assert created.status_code == 405
    assert AuditEntry.objects.get(pk=entry.pk).object_repr == "Northwind"


@pytest.mark.django_db
def test_entries_made_through_a_token_name_the_token(client):
    admin = VendorUserFactory()
    headers = token_for(admin)

    client.post(
        "/api/v1/tokens",
        {"name": "second"},
        content_type="application/json",
        headers=headers,
    )

    listed = client.get("/api/v1/audit-entries?verb=api_token.created", headers=headers)
    made_by_token = listed.json()["items"][0]
    assert (made_by_token["token_label"], made_by_token["actor"]) == (
        "test",
        str(admin.public_id),
    )
    assert made_by_token["token"] is not None
