import uuid

import pytest

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.integrations.models import WebhookDelivery, WebhookEndpoint
from openprm.integrations.tests.factories import (
    OutboxEventFactory,
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from openprm.tenancy.tests.factories import partner_user

ENDPOINTS = "/api/v1/webhook-endpoints"
DELIVERIES = "/api/v1/webhook-deliveries"


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin_headers():
    return bearer(VendorUserFactory(email="ada@vendor.example"))


@pytest.mark.django_db
def test_creating_an_endpoint_returns_its_secret_once(client, admin_headers):
    response = client.post(
        ENDPOINTS,
        {"url": "https://crm.example.com/hooks", "event_types": ["partner.*"]},
        content_type="application/json",
        headers=admin_headers,
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": str(endpoint.public_id),
        "url": "https://crm.example.com/hooks",
        "description": "",
        "event_types": ["partner.*"],
        "is_active": True,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
        "secret": endpoint.secret,
    }
    detail = client.get(f"{ENDPOINTS}/{endpoint.public_id}", headers=admin_headers)
    listed = client.get(ENDPOINTS, headers=admin_headers)
    assert "secret" not in detail.json()
    assert "secret" not in listed.json()["items"][0]
    assert endpoint.secret not in detail.content.decode() + listed.content.decode()


@pytest.mark.django_db
def test_unknown_fields_are_refused_with_a_422_problem(client, admin_headers):
    response = client.post(
        ENDPOINTS,
        {"url": "https://crm.example.com/", "event_types": ["*"], "secret": "mine"},
        content_type="application/json",
        headers=admin_headers,
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "secret", "message": "Extra inputs are not permitted"}
    ]
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_an_invalid_url_is_a_422_problem_with_the_field(client, admin_headers):
    response = client.post(
        ENDPOINTS,
        {"url": "gopher://old.example.com/", "event_types": ["*"]},
        content_type="application/json",
        headers=admin_headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert response.json()["errors"] == [
        {
            "field": "url",
            "message": "Only http:// and https:// URLs can receive webhooks.",
        }
    ]


@pytest.mark.django_db
def test_patch_changes_only_the_fields_sent(client, admin_headers):
    endpoint = WebhookEndpointFactory(
        url="https://crm.example.com/hooks", event_types=["*"], description="CRM"
    )

    response = client.patch(
        f"{ENDPOINTS}/{endpoint.public_id}",
        {"is_active": False},
        content_type="application/json",
        headers=admin_headers,
    )

    assert response.status_code == 200
    assert (
        response.json()["url"],
        response.json()["description"],
        response.json()["is_active"],
    ) == ("https://crm.example.com/hooks", "CRM", False)


@pytest.mark.django_db
def test_delete_removes_the_endpoint(client, admin_headers):
    endpoint = WebhookEndpointFactory()

    response = client.delete(f"{ENDPOINTS}/{endpoint.public_id}", headers=admin_headers)

    assert response.status_code == 204
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.django_db
def test_rotate_secret_returns_the_new_secret(client, admin_headers):
    endpoint = WebhookEndpointFactory()
    old_secret = endpoint.secret

    response = client.post(
        f"{ENDPOINTS}/{endpoint.public_id}/rotate-secret", headers=admin_headers
    )

    endpoint.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["secret"] == endpoint.secret != old_secret


@pytest.mark.django_db
def test_a_test_event_is_accepted_for_sending(client, admin_headers):
    endpoint = WebhookEndpointFactory()

    response = client.post(
        f"{ENDPOINTS}/{endpoint.public_id}/test", headers=admin_headers
    )

    delivery = WebhookDelivery.objects.get()
    assert response.status_code == 202
    assert response.json()["id"] == str(delivery.public_id)
    assert response.json()["event"]["name"] == "webhook.test"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(vendor_role="channel_manager"),
        lambda: UserFactory(vendor_role="finance"),
        lambda: partner_user(),
    ],
    ids=["channel_manager", "finance", "partner_admin"],
)
def test_others_get_403_for_existing_and_missing_objects_alike(client, make_user):
    headers = bearer(make_user())
    delivery = WebhookDeliveryFactory()
    endpoint = delivery.endpoint
    missing = uuid.uuid4()
    before = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    responses = [
        client.get(ENDPOINTS, headers=headers),
        client.get(f"{ENDPOINTS}/{endpoint.public_id}", headers=headers),
        client.get(f"{ENDPOINTS}/{missing}", headers=headers),
        client.delete(f"{ENDPOINTS}/{endpoint.public_id}", headers=headers),
        client.post(f"{ENDPOINTS}/{missing}/rotate-secret", headers=headers),
        client.get(DELIVERIES, headers=headers),
        client.get(f"{DELIVERIES}/{delivery.public_id}", headers=headers),
        client.get(f"{DELIVERIES}/{missing}", headers=headers),
        client.post(f"{DELIVERIES}/{delivery.public_id}/retry", headers=headers),
    ]

    assert {response.status_code for response in responses} == {403}
    assert {response.json()["code"] for response in responses} == {"permission_denied"}
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == before
    assert WebhookEndpoint.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_or_malformed_id_is_a_404(client, admin_headers):
    assert (
        client.get(f"{ENDPOINTS}/{uuid.uuid4()}", headers=admin_headers).status_code
        == 404
    )
    assert (
        client.get(f"{ENDPOINTS}/not-a-uuid", headers=admin_headers).status_code == 404
    )
    assert client.get(f"{DELIVERIES}/42", headers=admin_headers).status_code == 404


@pytest.mark.django_db
def test_deliveries_filter_by_endpoint_and_status(client, admin_headers):
    endpoint = WebhookEndpointFactory()
    failed = WebhookDeliveryFactory(endpoint=endpoint, status="failed")
    WebhookDeliveryFactory(endpoint=endpoint, status="delivered")
    WebhookDeliveryFactory(status="failed")

    response = client.get(
        f"{DELIVERIES}?endpoint={endpoint.public_id}&status=failed",
        headers=admin_headers,
    )

    assert response.json()["count"] == 1
    [item] = response.json()["items"]
    assert (item["id"], item["endpoint"], item["status"]) == (
        str(failed.public_id),
        str(endpoint.public_id),
        "failed",
    )


@pytest.mark.django_db
def test_an_unknown_status_filter_is_a_422(client, admin_headers):
    response = client.get(f"{DELIVERIES}?status=lost", headers=admin_headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


@pytest.mark.django_db
def test_deliveries_page_with_limit_and_offset_newest_first(client, admin_headers):
    deliveries = WebhookDeliveryFactory.create_batch(3)

    response = client.get(f"{DELIVERIES}?limit=2&offset=1", headers=admin_headers)

    assert response.json()["count"] == 3
    assert [item["id"] for item in response.json()["items"]] == [
        str(deliveries[1].public_id),
        str(deliveries[0].public_id),
    ]


@pytest.mark.django_db
def test_listing_deliveries_runs_the_same_queries_for_one_or_a_full_page(
    client, admin_headers, django_assert_num_queries
):
    endpoint = WebhookEndpointFactory()
    WebhookDeliveryFactory(endpoint=endpoint)
    client.get(DELIVERIES, headers=admin_headers)  # the token's last use is recorded

    # token with its user, count, the page (event and endpoint joined)
    with django_assert_num_queries(3):
        client.get(DELIVERIES, headers=admin_headers)
    for _ in range(20):
        WebhookDeliveryFactory(endpoint=endpoint, event=OutboxEventFactory())
    with django_assert_num_queries(3):
        response = client.get(DELIVERIES, headers=admin_headers)
    # ... and one more to find the endpoint filtered on
    with django_assert_num_queries(4):
        client.get(f"{DELIVERIES}?endpoint={endpoint.public_id}", headers=admin_headers)
    assert len(response.json()["items"]) == 21


@pytest.mark.django_db
def test_listing_endpoints_runs_the_same_queries_for_one_or_many(
    client, admin_headers, django_assert_num_queries
):
    WebhookEndpointFactory()
    client.get(ENDPOINTS, headers=admin_headers)

    with django_assert_num_queries(3):
        client.get(ENDPOINTS, headers=admin_headers)
    WebhookEndpointFactory.create_batch(5)
    with django_assert_num_queries(3):
        response = client.get(ENDPOINTS, headers=admin_headers)
    assert response.json()["count"] == 6


@pytest.mark.django_db
def test_a_delivery_comes_with_its_attempts(client, admin_headers):
    attempt = WebhookAttemptFactory(
        status_code=500, latency_ms=37, response_body="database down"
    )
    delivery = attempt.delivery
    WebhookDelivery.objects.filter(pk=delivery.pk).update(last_status_code=500)

    response = client.get(f"{DELIVERIES}/{delivery.public_id}", headers=admin_headers)

    body = response.json()
    assert (body["webhook_id"], body["attempts"], body["last_status_code"]) == (
        delivery.webhook_id,
        1,
        500,
    )
    assert body["event"]["id"] == str(delivery.event.uuid)
    assert body["attempt_log"] == [
        {
            "number": 1,
            "attempted_at": body["attempt_log"][0]["attempted_at"],
            "finished_at": body["attempt_log"][0]["finished_at"],
            "url": delivery.endpoint.url,
            "status_code": 500,
            "latency_ms": 37,
            "error": "The receiver answered 500.",
            "response_body": "database down",
            "succeeded": False,
        }
    ]


@pytest.mark.django_db
def test_retry_makes_a_delivery_pending(client, admin_headers):
    delivery = WebhookDeliveryFactory(status="failed")

    response = client.post(
        f"{DELIVERIES}/{delivery.public_id}/retry", headers=admin_headers
    )

    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    delivery.refresh_from_db()
    assert delivery.status == "pending"


@pytest.mark.django_db
def test_retrying_a_delivery_to_a_disabled_endpoint_is_a_409(client, admin_headers):
    delivery = WebhookDeliveryFactory(status="failed", endpoint__is_active=False)

    response = client.post(
        f"{DELIVERIES}/{delivery.public_id}/retry", headers=admin_headers
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
