"""The ``webhook`` fulfilment provider: an order is POSTed to a fulfilment
service's webhook endpoint, signed with Standard Webhooks, through the webhook
delivery log (retries with backoff, attempts visible in the console); the service
calls back with shipped, delivered or failed, signed with the same secret
(``fulfilment/api.py``)."""

import time
import uuid

from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ApplicationError, Conflict
from openprm.incentives import fulfilment
from openprm.integrations import tasks
from openprm.integrations.models import WebhookEndpoint
from openprm.integrations.webhooks import dispatch, signing


def _endpoint_choices() -> list[tuple[str, str]]:
    return [
        (str(endpoint.public_id), endpoint.description or endpoint.url)
        for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("url")
    ]


def _endpoint(public_id) -> WebhookEndpoint | None:
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return WebhookEndpoint.objects.filter(public_id=key).first()


class WebhookProvider(fulfilment.FulfilmentProvider):
    name = "webhook"
    label = _("Signed webhook to a fulfilment service")
    description = _(
        "Each order is POSTed to the service's webhook endpoint as a "
        "redemption.submitted event, signed (Standard Webhooks) and retried until "
        "accepted; the service calls back with shipped, delivered or failed, "
        "signed with the same secret."
    )
    option_fields = (
        fulfilment.OptionField("endpoint", _("Webhook endpoint"), _endpoint_choices),
    )

    def submit(self, *, order, event, options) -> dict:
        endpoint = _endpoint(options.get("endpoint"))
        if endpoint is None or not endpoint.is_active:
            raise Conflict(
                _("Rewards cannot be sent right now: the fulfilment service is off.")
            )
        # The event's own delivery, whatever the endpoint's event filter says;
        # the fan-out to other endpoints finds it already there.
        delivery, created = dispatch.delivery_create(event=event, endpoint=endpoint)
        if created:
            tasks.enqueue_send(delivery.pk)
        return {"endpoint": str(endpoint.public_id)}


fulfilment.register(WebhookProvider())


class SignatureRejected(ApplicationError):
    """A callback that does not carry a valid signature of its order's service."""

    code = "bad_signature"
    status = 401
    default_message = _(
        "Sign the callback with the endpoint's secret (Standard Webhooks headers "
        "webhook-id, webhook-timestamp, webhook-signature)."
    )


def verified_message_id(*, order, headers, body: bytes) -> str:
    """The callback's ``webhook-id`` when it is signed by the service the order
    was sent to (its endpoint's current or still-honoured previous secret)."""
    if order is None or order.fulfilment_provider != WebhookProvider.name:
        raise SignatureRejected
    endpoint = _endpoint(order.fulfilment_options.get("endpoint"))
    if endpoint is None:
        raise SignatureRejected
    msg_id = signing.verify(
        secrets_in_use=endpoint.signing_secrets(),
        headers=headers,
        body=body,
        now=int(time.time()),
    )
    if msg_id is None:
        raise SignatureRejected
    return msg_id
