import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.services import api_token_create
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.partners.models import Partner, PartnerDomain
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# The token, its user, the candidates and their domains.
QUERIES = 4


def headers_for(user) -> dict:
    _, secret = api_token_create(user=user, name="test", actor=user)
    return {"Authorization": f"Bearer {secret}"}


def post(client, url, data, user):
    return client.post(
        url, data, content_type="application/json", headers=headers_for(user)
    )


def test_a_status_change_answers_with_the_partner(client):
    partner = PartnerFactory(status="active")

    response = post(
        client,
        f"/api/v1/partners/{partner.public_id}/status",
        {"status": "suspended", "reason": "Unpaid invoices"},
        VendorUserFactory(),
    )

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["status"]) == (
        str(partner.public_id),
        "suspended",
    )


def test_an_invalid_transition_is_a_409_problem_and_writes_nothing(client):
    partner = PartnerFactory(status="prospect")
    actor = VendorUserFactory()
    headers = headers_for(actor)
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    response = client.post(
        f"/api/v1/partners/{partner.public_id}/status",
        {"status": "active", "reason": "x"},
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["detail"].startswith(
        "Cannot change from Prospect to Active:"
    )
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before
    assert Partner.objects.get(pk=partner.pk).status == "prospect"


def test_unknown_fields_are_refused(client):
    partner = PartnerFactory(status="active")

    response = post(
        client,
        f"/api/v1/partners/{partner.public_id}/status",
        {"status": "suspended", "reason": "x", "force": True},
        VendorUserFactory(),
    )

    assert response.status_code == 422


def test_a_move_answers_with_the_new_placement(client):
    top = PartnerFactory(partner_type="distributor")
    partner = PartnerFactory()

    response = post(
        client,
        f"/api/v1/partners/{partner.public_id}/move",
        {"parent": str(top.public_id)},
        VendorUserFactory(),
    )

    assert response.status_code == 200
    assert (response.json()["parent"], response.json()["depth"]) == (
        str(top.public_id),
        1,
    )


def test_a_cyclic_move_is_a_422_problem(client):
    top = PartnerFactory(partner_type="distributor")
    child = PartnerFactory(parent=top)

    response = post(
        client,
        f"/api/v1/partners/{top.public_id}/move",
        {"parent": str(child.public_id)},
        VendorUserFactory(),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "parent"


def test_duplicates_come_with_score_and_reasons(client):
    contoso = PartnerFactory(name="Contoso Ltd.", website="https://contoso.example")
    PartnerFactory(name="Fabrikam")

    response = client.get(
        "/api/v1/partners/duplicates?name=contoso+limited&website=contoso.example",
        headers=headers_for(VendorUserFactory()),
    )

    assert response.status_code == 200
    [candidate] = response.json()
    assert candidate["partner"]["id"] == str(contoso.public_id)
    assert candidate["score"] == 100.0
    assert candidate["reasons"] == [
        "Same website domain: contoso.example.",
        "Same name once legal form and punctuation are ignored: “contoso”.",
    ]


def test_a_mistyped_duplicate_filter_is_refused(client):
    response = client.get(
        "/api/v1/partners/duplicates?name=x&domain=contoso.example",
        headers=headers_for(VendorUserFactory()),
    )

    assert response.status_code == 422


def test_a_merge_reports_what_moved(client):
    survivor = PartnerFactory(name="Contoso Ltd.")
    duplicate = PartnerFactory(name="contoso limited")
    PartnerFactory(parent=duplicate)

    response = post(
        client,
        f"/api/v1/partners/{survivor.public_id}/merge",
        {"duplicate": str(duplicate.public_id)},
        VendorUserFactory(),
    )

    assert response.status_code == 200
    assert response.json()["moved"] == {"partners.partner (children)": 1}
    assert response.json()["duplicate"]["status"] == "terminated"


def test_a_channel_manager_cannot_merge(client):
    survivor, duplicate = PartnerFactory(), PartnerFactory()

    response = post(
        client,
        f"/api/v1/partners/{survivor.public_id}/merge",
        {"duplicate": str(duplicate.public_id)},
        UserFactory(vendor_role="channel_manager"),
    )

    assert response.status_code == 403
    assert Partner.objects.get(pk=duplicate.pk).status == "active"


@pytest.mark.parametrize("rows", [3, 6])
def test_the_duplicate_search_runs_a_fixed_number_of_queries(client, rows):
    for number in range(rows):
        partner = PartnerFactory(name=f"Contoso {number}")
        PartnerDomain.objects.create(partner=partner, domain=f"c{number}.example")
    headers = headers_for(VendorUserFactory())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/api/v1/partners/duplicates?name=contoso", headers=headers
        )

    assert len(response.json()) == rows
    assert len(queries) == QUERIES


# --- downstream visibility


def put_visibility(client, partner, headers: dict, visible: bool):
    return client.put(
        f"/api/v1/partners/{partner.public_id}/downstream-visibility",
        {"downstream_visibility": visible},
        content_type="application/json",
        headers=headers,
    )


def test_a_vendor_admin_grants_a_distributor_sight_of_its_downstream(client):
    distributor = PartnerFactory(partner_type="distributor")

    response = put_visibility(
        client, distributor, headers_for(VendorUserFactory()), True
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": str(distributor.public_id),
        "partner": distributor.pk,
        "downstream_visibility": True,
    }
    entry = AuditEntry.objects.get(verb="partner.downstream_visibility_changed")
    assert entry.changes == {"downstream_visibility": [False, True]}
    event = OutboxEvent.objects.get(name="partner.downstream_visibility_changed")
    assert (event.partner_id, event.payload["downstream_visibility"]) == (
        distributor.pk,
        True,
    )


def test_setting_the_value_it_has_writes_nothing(client):
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    headers = headers_for(VendorUserFactory())
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    response = put_visibility(client, distributor, headers, True)

    assert response.status_code == 200
    assert response.json()["downstream_visibility"] is True
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


def test_only_vendor_admins_set_downstream_visibility(client):
    distributor = PartnerFactory(partner_type="distributor")
    refusing = [
        headers_for(UserFactory(vendor_role="channel_manager")),
        headers_for(MembershipFactory(partner=distributor).user),
    ]
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    refused = [
        put_visibility(client, distributor, headers, True).status_code
        for headers in refusing
    ]

    assert refused == [403, 403]
    assert Partner.objects.get(pk=distributor.pk).downstream_visibility is False
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before


def test_the_partners_own_users_read_their_downstream_visibility(client):
    distributor = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    other = PartnerFactory()
    url = f"/api/v1/partners/{distributor.public_id}/downstream-visibility"

    own = client.get(
        url, headers=headers_for(MembershipFactory(partner=distributor).user)
    )
    stranger = client.get(
        url, headers=headers_for(MembershipFactory(partner=other).user)
    )

    assert (own.status_code, own.json()["downstream_visibility"]) == (200, True)
    assert stranger.status_code == 404


def test_granted_visibility_shows_the_partners_beneath_at_once(client):
    distributor = PartnerFactory(name="Northwind", partner_type="distributor")
    PartnerFactory(name="Contoso", parent=distributor)
    headers = headers_for(MembershipFactory(partner=distributor).user)

    def listed() -> list[str]:
        response = client.get("/api/v1/partners", headers=headers)
        return [item["name"] for item in response.json()["items"]]

    before = listed()
    put_visibility(client, distributor, headers_for(VendorUserFactory()), True)

    assert (before, listed()) == (["Northwind"], ["Contoso", "Northwind"])


def test_a_duplicate_search_without_a_name_is_a_422(client):
    response = client.get(
        "/api/v1/partners/duplicates?website=contoso.example",
        headers=headers_for(VendorUserFactory()),
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "name", "message": "Field required"}]
