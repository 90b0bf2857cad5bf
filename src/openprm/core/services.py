"""Writes to the kernel's own records: replaying outbox events."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditAction, OutboxEvent, SubscriberDelivery
from openprm.core.selectors import can_read_outbox


@transaction.atomic
def outbox_event_replay(*, event: OutboxEvent, actor, subscriber: str = "") -> int:
    """Deliver an event again to all its subscribers, or to one: for a failure whose
    cause was fixed. Returns the number of deliveries queued; audited."""
    if not can_read_outbox(user=actor):
        raise PermissionDenied
    before = dict(
        SubscriberDelivery.objects.filter(event=event).values_list(
            "subscriber", "status"
        )
    )
    count = events.replay(event=event, subscriber_name=subscriber or None)
    if subscriber and count == 0:
        message = _("This event has no delivery to that subscriber.")
        raise ValidationFailed(message, field_errors={"subscriber": [message]})
    after = SubscriberDelivery.objects.filter(event=event).order_by("subscriber")
    if subscriber:
        after = after.filter(subscriber=subscriber)
    changes = {
        f"delivery:{name}": [before.get(name), status]
        for name, status in after.values_list("subscriber", "status")
    }
    audit.record(
        actor=actor,
        instance=event,
        action=AuditAction.UPDATE,
        changes=changes,
        verb="outbox_event.replayed",
    )
    return count
