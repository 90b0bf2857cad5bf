"""Every event of the ecosystem is offered to the webhooks: one delivery per active
endpoint whose filter matches, sent by the worker (see ``webhooks/dispatch.py``)."""

from django.db import transaction

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.integrations import tasks
from openprm.integrations.models import WebhookDelivery, WebhookEndpoint
from openprm.integrations.webhooks import dispatch
from openprm.integrations.webhooks.dispatcher import dispatcher

SUBSCRIBER_NAME = "integrations.webhooks"


def _active_endpoints() -> list[WebhookEndpoint]:
    return list(WebhookEndpoint.objects.filter(is_active=True).order_by("id"))


@events.subscriber(SUBSCRIBER_NAME, events=["*"])
def fan_out_to_endpoints(event: OutboxEvent) -> None:
    """Create the delivery of ``event`` to each interested endpoint (idempotent)."""
    for endpoint in _active_endpoints():
        if endpoint.wants(event.name):
            delivery, created = dispatch.delivery_create(event=event, endpoint=endpoint)
            if created:
                tasks.enqueue_send(delivery.pk)


@events.batch_handler(SUBSCRIBER_NAME)
def fan_out_many_to_endpoints(batch: list[OutboxEvent]) -> None:
    """The same for a batch of the outbox relay, in one statement; the worker's
    dispatcher is woken to send them once they are committed."""
    endpoints = _active_endpoints()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(event=event, endpoint=endpoint)
            for event in batch
            for endpoint in endpoints
            if endpoint.wants(event.name)
        ],
        ignore_conflicts=True,  # created before by another relay or a task
    )
    transaction.on_commit(dispatcher.wake)


from openprm.integrations.crm import subscribers as crm_subscribers  # noqa: E402, F401
