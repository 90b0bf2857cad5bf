"""Every write of the webhooks: endpoints, secrets, retries and test events.

Only vendor admins manage webhooks; each action is audited and announces itself with
a ``webhook.*`` event (which webhooks themselves never receive by pattern).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import Conflict, ValidationFailed
from openprm.core.models import AuditAction, DeliveryStatus, OutboxEvent
from openprm.integrations import tasks
from openprm.integrations.models import WebhookDelivery, WebhookEndpoint
from openprm.integrations.permissions import MANAGE_WEBHOOKS
from openprm.integrations.webhooks import rules, signing

AUDITED_FIELDS = ["url", "description", "event_types", "is_active"]
# How long a rotated-out secret still signs deliveries, so receivers can switch.
SECRET_GRACE_PERIOD = timedelta(hours=24)
TEST_EVENT = "webhook.test"


def _validated(*, url: str, event_types) -> tuple[str, list[str]]:
    url = url.strip()
    patterns = rules.normalise_patterns(event_types)
    field_errors = {}
    if errors := rules.url_errors(url):
        field_errors["url"] = errors
    if errors := rules.pattern_errors(patterns):
        field_errors["event_types"] = errors
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return url, patterns


def endpoint_payload(endpoint: WebhookEndpoint) -> dict:
    """The endpoint as events carry it: never its secret."""
    return {
        "id": str(endpoint.public_id),
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "is_active": endpoint.is_active,
    }


@transaction.atomic
def webhook_endpoint_create(
    *,
    actor,
    url: str,
    event_types: list[str] | str,
    description: str = "",
    is_active: bool = True,
) -> WebhookEndpoint:
    """Register a receiver; its new secret is in ``endpoint.secret`` (show it once)."""
    MANAGE_WEBHOOKS.ensure(actor)
    url, patterns = _validated(url=url, event_types=event_types)
    endpoint = WebhookEndpoint.objects.create(
        url=url,
        description=description.strip(),
        event_types=patterns,
        secret=signing.new_secret(),
        is_active=is_active,
        created_by=actor,
    )
    audit.record_create(
        actor=actor,
        instance=endpoint,
        fields=AUDITED_FIELDS,
        verb="webhook.endpoint_created",
    )
    events.emit(
        "webhook.endpoint_created", payload=endpoint_payload(endpoint), actor=actor
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: list[str] | str | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change what is given (``None`` keeps a value). Disabling fails the pending
    deliveries, which a vendor admin can retry once the endpoint is enabled again."""
    MANAGE_WEBHOOKS.ensure(actor)
    new_url, patterns = _validated(
        url=endpoint.url if url is None else url,
        event_types=endpoint.event_types if event_types is None else event_types,
    )
    before = audit.snapshot(endpoint, AUDITED_FIELDS)
    endpoint.url = new_url
    endpoint.event_types = patterns
    if description is not None:
        endpoint.description = description.strip()
    if is_active is not None:
        endpoint.is_active = is_active
    entry = audit.record_change(
        actor=actor, instance=endpoint, before=before, verb="webhook.endpoint_updated"
    )
    if entry is None:
        return endpoint
    endpoint.save(update_fields=[*AUDITED_FIELDS, "updated_at"])
    if before["is_active"] and not endpoint.is_active:
        WebhookDelivery.objects.filter(
            endpoint=endpoint, status=DeliveryStatus.PENDING
        ).update(status=DeliveryStatus.FAILED, last_error="The endpoint was disabled.")
    events.emit(
        "webhook.endpoint_updated",
        payload={**endpoint_payload(endpoint), "changes": entry.changes},
        actor=actor,
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its delivery log (the audit trail keeps the record)."""
    MANAGE_WEBHOOKS.ensure(actor)
    payload = endpoint_payload(endpoint)
    audit.record_delete(
        actor=actor,
        instance=endpoint,
        fields=AUDITED_FIELDS,
        verb="webhook.endpoint_deleted",
    )
    endpoint.delete()
    events.emit("webhook.endpoint_deleted", payload=payload, actor=actor)


@transaction.atomic
def webhook_endpoint_rotate_secret(
    *, actor, endpoint: WebhookEndpoint
) -> WebhookEndpoint:
    """Give the endpoint a new secret (in ``endpoint.secret``: show it once); the old
    one keeps signing deliveries, beside the new, for ``SECRET_GRACE_PERIOD``."""
    MANAGE_WEBHOOKS.ensure(actor)
    old_secret = endpoint.secret
    endpoint.previous_secret = old_secret
    endpoint.previous_secret_expires_at = timezone.now() + SECRET_GRACE_PERIOD
    endpoint.secret = signing.new_secret()
    endpoint.save(
        update_fields=[
            "secret",
            "previous_secret",
            "previous_secret_expires_at",
            "updated_at",
        ]
    )
    # Fingerprints name the secrets without revealing them.
    audit.record(
        actor=actor,
        instance=endpoint,
        action=AuditAction.UPDATE,
        changes={
            "secret_fingerprint": [
                signing.fingerprint(old_secret),
                signing.fingerprint(endpoint.secret),
            ]
        },
        verb="webhook.secret_rotated",
    )
    events.emit(
        "webhook.secret_rotated",
        payload={
            **endpoint_payload(endpoint),
            "previous_secret_expires_at": (
                endpoint.previous_secret_expires_at.isoformat()
            ),
        },
        actor=actor,
    )
    return endpoint


def _ensure_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise Conflict(_("The endpoint is disabled: enable it to send to it."))


@transaction.atomic
def webhook_delivery_retry(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now, whatever its state (with the same webhook-id, so
    a receiver that already has it can recognise it)."""
    MANAGE_WEBHOOKS.ensure(actor)
    _ensure_active(delivery.endpoint)
    before = audit.snapshot(delivery, ["status", "next_attempt_at"])
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = timezone.now()
    # A claim is left alone: a request in flight finishes first, then the retry.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=delivery.status, next_attempt_at=delivery.next_attempt_at
    )
    audit.record_change(
        actor=actor, instance=delivery, before=before, verb="webhook.delivery_retried"
    )
    tasks.enqueue_send(delivery.pk)
    return delivery


@transaction.atomic
def webhook_test_send(*, actor, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Send a ``webhook.test`` event to this endpoint only, to check the receiver."""
    MANAGE_WEBHOOKS.ensure(actor)
    _ensure_active(endpoint)
    event: OutboxEvent = events.emit(
        TEST_EVENT,
        payload={
            "endpoint": str(endpoint.public_id),
            "message": "A test event sent from OpenPRM.",
        },
        actor=actor,
    )
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint)
    audit.record_create(
        actor=actor,
        instance=delivery,
        fields=["event", "endpoint", "status"],
        verb="webhook.test_sent",
    )
    tasks.enqueue_send(delivery.pk)
    return delivery
