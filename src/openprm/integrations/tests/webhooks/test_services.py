from datetime import timedelta

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import UserFactory, VendorUserFactory
from openprm.core.errors import Conflict, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.integrations.models import WebhookDelivery, WebhookEndpoint
from openprm.integrations.tests.factories import (
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)
from openprm.integrations.webhooks import services, signing
from openprm.tenancy.tests.factories import partner_user


def counts() -> tuple[int, int, int, int]:
    return (
        WebhookEndpoint.objects.count(),
        WebhookDelivery.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


@pytest.fixture
def admin():
    return VendorUserFactory(email="ada@vendor.example")


@pytest.mark.django_db
def test_a_vendor_admin_creates_an_endpoint_with_a_new_secret(admin):
    endpoint = services.webhook_endpoint_create(
        actor=admin,
        url=" https://crm.example.com/hooks ",
        event_types="partner.*\ndeal.registered",
        description="CRM",
    )

    assert (endpoint.url, endpoint.event_types, endpoint.is_active) == (
        "https://crm.example.com/hooks",
        ["partner.*", "deal.registered"],
        True,
    )
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.created_by == admin


@pytest.mark.django_db
def test_creating_an_endpoint_is_audited_and_announced_without_the_secret(admin):
    endpoint = services.webhook_endpoint_create(
        actor=admin, url="https://crm.example.com/hooks", event_types=["*"]
    )

    entry = AuditEntry.objects.get(object_type="integrations.webhookendpoint")
    event = OutboxEvent.objects.get(name="webhook.endpoint_created")
    assert (entry.action, entry.verb, entry.actor) == (
        "create",
        "webhook.endpoint_created",
        admin,
    )
    assert entry.changes == {
        "url": [None, "https://crm.example.com/hooks"],
        "description": [None, ""],
        "event_types": [None, ["*"]],
        "is_active": [None, True],
    }
    assert event.payload == {
        "id": str(endpoint.public_id),
        "url": "https://crm.example.com/hooks",
        "description": "",
        "event_types": ["*"],
        "is_active": True,
    }
    assert endpoint.secret not in str(entry.changes) + str(event.payload)


@pytest.mark.django_db
def test_an_invalid_endpoint_is_refused_with_field_errors_and_nothing_written(admin):
    before = counts()

    with pytest.raises(ValidationFailed) as refused:
        services.webhook_endpoint_create(
            actor=admin, url="ftp://files.example.com/", event_types=[]
        )

    assert refused.value.field_errors == {
        "url": ["Only http:// and https:// URLs can receive webhooks."],
        "event_types": ['Choose at least one event, or "*" for all.'],
    }
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_user",
    [
        lambda: UserFactory(vendor_role="channel_manager"),
        lambda: UserFactory(vendor_role="analyst"),
        lambda: partner_user(),
        lambda: UserFactory(vendor_role="vendor_admin", is_active=False),
    ],
    ids=["channel_manager", "analyst", "partner_admin", "deactivated_admin"],
)
def test_only_an_active_vendor_admin_manages_webhooks(make_user):
    user = make_user()
    endpoint = WebhookEndpointFactory()
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    before = counts()

    attempts = [
        lambda: services.webhook_endpoint_create(
            actor=user, url="https://crm.example.com/", event_types=["*"]
        ),
        lambda: services.webhook_endpoint_update(
            actor=user, endpoint=endpoint, is_active=False
        ),
        lambda: services.webhook_endpoint_rotate_secret(actor=user, endpoint=endpoint),
        lambda: services.webhook_endpoint_delete(actor=user, endpoint=endpoint),
        lambda: services.webhook_delivery_retry(actor=user, delivery=delivery),
        lambda: services.webhook_test_send(actor=user, endpoint=endpoint),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    assert counts() == before
    endpoint.refresh_from_db()
    assert endpoint.is_active is True


@pytest.mark.django_db
def test_an_update_records_only_what_changed(admin):
    endpoint = WebhookEndpointFactory(
        url="https://crm.example.com/a", event_types=["*"], description="CRM"
    )

    services.webhook_endpoint_update(
        actor=admin,
        endpoint=endpoint,
        url="https://crm.example.com/b",
        event_types=["partner.*"],
        description="CRM",
    )

    endpoint.refresh_from_db()
    entry = AuditEntry.objects.get(verb="webhook.endpoint_updated")
    event = OutboxEvent.objects.get(name="webhook.endpoint_updated")
    assert (endpoint.url, endpoint.event_types) == (
        "https://crm.example.com/b",
        ["partner.*"],
    )
    assert entry.changes == {
        "url": ["https://crm.example.com/a", "https://crm.example.com/b"],
        "event_types": [["*"], ["partner.*"]],
    }
    assert event.payload["changes"] == entry.changes


@pytest.mark.django_db
def test_an_update_that_changes_nothing_writes_nothing(admin):
    endpoint = WebhookEndpointFactory(description="CRM")
    before = counts()

    services.webhook_endpoint_update(actor=admin, endpoint=endpoint, description="CRM")

    assert counts() == before


@pytest.mark.django_db
def test_disabling_an_endpoint_stops_its_pending_deliveries(admin):
    endpoint = WebhookEndpointFactory()
    pending = WebhookDeliveryFactory(endpoint=endpoint)
    delivered = WebhookDeliveryFactory(endpoint=endpoint, status="delivered")
    elsewhere = WebhookDeliveryFactory()

    services.webhook_endpoint_update(actor=admin, endpoint=endpoint, is_active=False)

    statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
    assert statuses == {
        pending.pk: "failed",
        delivered.pk: "delivered",
        elsewhere.pk: "pending",
    }
    pending.refresh_from_db()
    assert pending.last_error == "The endpoint was disabled."


@pytest.mark.django_db
def test_deleting_an_endpoint_removes_its_deliveries_and_keeps_an_audit_record(admin):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com/hooks")
    WebhookDeliveryFactory.create_batch(2, endpoint=endpoint)

    services.webhook_endpoint_delete(actor=admin, endpoint=endpoint)

    assert WebhookEndpoint.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
    entry = AuditEntry.objects.get(verb="webhook.endpoint_deleted")
    assert entry.changes["url"] == ["https://crm.example.com/hooks", None]
    event = OutboxEvent.objects.get(name="webhook.endpoint_deleted")
    assert event.payload["url"] == "https://crm.example.com/hooks"


@pytest.mark.django_db
def test_rotating_the_secret_keeps_the_old_one_signing_for_a_day(admin):
    endpoint = WebhookEndpointFactory()
    old_secret = endpoint.secret

    services.webhook_endpoint_rotate_secret(actor=admin, endpoint=endpoint)

    endpoint.refresh_from_db()
    assert endpoint.secret != old_secret
    assert endpoint.signing_secrets() == [endpoint.secret, old_secret]
    tomorrow = timezone.now() + timedelta(hours=24, seconds=1)
    assert endpoint.signing_secrets(now=tomorrow) == [endpoint.secret]


@pytest.mark.django_db
def test_a_rotation_is_audited_by_fingerprints_not_secrets(admin):
    endpoint = WebhookEndpointFactory()
    old_secret = endpoint.secret

    services.webhook_endpoint_rotate_secret(actor=admin, endpoint=endpoint)

    entry = AuditEntry.objects.get(verb="webhook.secret_rotated")
    assert entry.changes == {
        "secret_fingerprint": [
            signing.fingerprint(old_secret),
            signing.fingerprint(endpoint.secret),
        ]
    }
    event = OutboxEvent.objects.get(name="webhook.secret_rotated")
    assert "secret" not in event.payload
    assert endpoint.secret not in str(event.payload)


@pytest.mark.django_db
def test_a_retry_makes_a_failed_delivery_due_now_and_is_audited(admin):
    delivery = WebhookDeliveryFactory(
        status="failed",
        attempts=15,
        next_attempt_at=timezone.now() + timedelta(hours=6),
    )

    services.webhook_delivery_retry(actor=admin, delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.next_attempt_at <= timezone.now()
    entry = AuditEntry.objects.get(verb="webhook.delivery_retried")
    assert entry.changes["status"] == ["failed", "pending"]


@pytest.mark.django_db
def test_a_delivery_to_a_disabled_endpoint_cannot_be_retried(admin):
    delivery = WebhookDeliveryFactory(status="failed", endpoint__is_active=False)
    before = counts()

    with pytest.raises(Conflict):
        services.webhook_delivery_retry(actor=admin, delivery=delivery)

    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert counts() == before


@pytest.mark.django_db
def test_a_test_event_goes_to_its_endpoint_only(admin):
    endpoint = WebhookEndpointFactory()
    WebhookEndpointFactory()  # another endpoint that wants every event

    delivery = services.webhook_test_send(actor=admin, endpoint=endpoint)

    assert list(WebhookDelivery.objects.all()) == [delivery]
    assert (delivery.endpoint, delivery.event.name) == (endpoint, "webhook.test")
    assert delivery.event.payload == {
        "endpoint": str(endpoint.public_id),
        "message": "A test event sent from OpenPRM.",
    }
    assert AuditEntry.objects.filter(verb="webhook.test_sent").count() == 1


@pytest.mark.django_db
def test_a_disabled_endpoint_gets_no_test_event(admin):
    endpoint = WebhookEndpointFactory(is_active=False)
    before = counts()

    with pytest.raises(Conflict):
        services.webhook_test_send(actor=admin, endpoint=endpoint)

    assert counts() == before
