"""Every event of the ecosystem is offered to the webhooks: one delivery per active
endpoint whose filter matches, sent by a task (see ``webhooks/dispatch.py``)."""

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.integrations import tasks
from openprm.integrations.models import WebhookEndpoint
from openprm.integrations.webhooks import dispatch

SUBSCRIBER_NAME = "integrations.webhooks"


@events.subscriber(SUBSCRIBER_NAME, events=["*"])
def fan_out_to_endpoints(event: OutboxEvent) -> None:
    """Create the delivery of ``event`` to each interested endpoint (idempotent)."""
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("id"):
        if endpoint.wants(event.name):
            delivery, created = dispatch.delivery_create(event=event, endpoint=endpoint)
            if created:
                tasks.enqueue_send(delivery.pk)
