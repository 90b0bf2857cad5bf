"""OpenPRM's changes on their way to the CRM: every partner change (an event of the
outbox) becomes an outgoing change for each connection that sends partners."""

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.integrations.crm import services, tasks
from openprm.integrations.crm.models import CrmConnection


def _sending_connections(object_type: str) -> list[int]:
    return [
        connection.pk
        for connection in CrmConnection.objects.filter(is_active=True).only(
            "pk", "directions"
        )
        if connection.allows(object_type, "out")
    ]


@events.subscriber("integrations.crm_sync", events=["partner.*"])
def queue_partner_change(event: OutboxEvent) -> None:
    local_id = event.partner_id or event.payload.get("id")
    if not local_id:
        return
    connection_ids = _sending_connections("partners")
    if connection_ids:
        services.crm_outgoing_queue(
            connection_ids=connection_ids, object_type="partners", local_id=local_id
        )
        tasks.enqueue_send_due()
