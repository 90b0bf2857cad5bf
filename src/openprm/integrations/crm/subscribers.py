"""OpenPRM's changes on their way to the CRM: every partner change, and every change
of an approved deal (events of the outbox), becomes an outgoing change for each
connection that sends that kind of record."""

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.deals.models import Deal
from openprm.integrations.crm import engine, services, tasks
from openprm.integrations.crm.models import CrmConnection, SyncLink
from openprm.integrations.crm.objects import SENT_DEAL_STATUSES
from openprm.leads.models import Lead
from openprm.partners.models import Contact
from openprm.tenancy.models import Membership


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
    if event.name.startswith("partner.contact_"):
        _queue_contact_change(event)
    local_id = event.partner_id or event.payload.get("id")
    if not local_id:
        return
    connection_ids = _sending_connections("partners")
    if connection_ids:
        services.crm_outgoing_queue(
            connection_ids=connection_ids, object_type="partners", local_id=local_id
        )
        tasks.enqueue_send_due()


# What the CRM's opportunity shows changes with these (a registration in review,
# rejected or withdrawn never reaches the CRM).
DEAL_EVENTS = [
    "deal.approved", "deal.won", "deal.lost", "deal.expired", "deal.stage_changed",
    "deal.extension_approved",
]  # fmt: skip


@events.subscriber("integrations.crm_sync_deals", events=DEAL_EVENTS)
def queue_deal_change(event: OutboxEvent) -> None:
    public_id = event.payload.get("id")
    if event.payload.get("status") not in SENT_DEAL_STATUSES or not public_id:
        return
    connection_ids = _sending_connections("deals")
    local_id = Deal.objects.filter(public_id=public_id).values_list("pk", flat=True)
    if connection_ids and local_id:
        services.crm_outgoing_queue(
            connection_ids=connection_ids, object_type="deals", local_id=local_id[0]
        )
        tasks.enqueue_send_due()


# What the partners make of a lead (its status and holder change with these).
LEAD_EVENTS = [
    "lead.assigned", "lead.unassigned", "lead.accepted", "lead.rejected",
    "lead.recalled", "lead.status_changed", "lead.converted",
]  # fmt: skip


@events.subscriber("integrations.crm_sync_leads", events=LEAD_EVENTS)
def queue_lead_change(event: OutboxEvent) -> None:
    """Only a lead linked to a CRM lead reports back (leads made in OpenPRM are
    not created in the CRM)."""
    public_id = event.payload.get("id")
    local_id = Lead.objects.filter(public_id=public_id).values_list("pk", flat=True)
    if not public_id or not local_id:
        return
    linked = set(
        SyncLink.objects.filter(object_type="leads", local_id=local_id[0]).values_list(
            "connection_id", flat=True
        )
    )
    connection_ids = [pk for pk in _sending_connections("leads") if pk in linked]
    if connection_ids:
        services.crm_outgoing_queue(
            connection_ids=connection_ids, object_type="leads", local_id=local_id[0]
        )
        tasks.enqueue_send_due()


def _queue_contact_change(event: OutboxEvent) -> None:
    """A partner contact added or changed; a deleted one's links are archived
    (the CRM contact is kept: see docs/crm-sync.md, "Deletions")."""
    if event.name == "partner.contact_deleted":
        _archive_deleted_contact(event)
        return
    local_id = Contact.objects.filter(public_id=event.payload.get("id")).values_list(
        "pk", flat=True
    )
    connection_ids = _sending_connections("contacts")
    if connection_ids and local_id:
        services.crm_outgoing_queue(
            connection_ids=connection_ids, object_type="contacts", local_id=local_id[0]
        )
        tasks.enqueue_send_due()


def _archive_deleted_contact(event: OutboxEvent) -> None:
    """The contact is gone, and its links know it by the values they last agreed
    on: those with its email whose contact no longer exists are archived."""
    email = event.payload.get("email") or ""
    links = SyncLink.objects.filter(
        object_type="contacts", local_values__email=email
    ).values_list("connection_id", "local_id")
    by_connection: dict[int, list[int]] = {}
    for connection_id, local_id in links:
        by_connection.setdefault(connection_id, []).append(local_id)
    for connection in CrmConnection.objects.filter(pk__in=by_connection):
        engine.archive_missing(connection, "contacts", by_connection[connection.pk])


USER_EVENTS = [
    "membership.created", "membership.reactivated", "membership.deactivated",
    "membership.roles_changed", "user.deactivated", "user.reactivated",
]  # fmt: skip


@events.subscriber("integrations.crm_sync_users", events=USER_EVENTS)
def queue_user_change(event: OutboxEvent) -> None:
    """A partner user joined, left (deactivated) or came back: their membership is
    sent (a deactivated one archives its link; the CRM contact is kept)."""
    connection_ids = _sending_connections("users")
    if not connection_ids:
        return
    if event.name.startswith("membership."):
        local_ids = [event.payload.get("id")] if event.payload.get("id") else []
    else:
        local_ids = list(
            Membership.objects.filter(
                user__public_id=event.payload.get("id")
            ).values_list("pk", flat=True)
        )
    for local_id in local_ids:
        services.crm_outgoing_queue(
            connection_ids=connection_ids, object_type="users", local_id=local_id
        )
    if local_ids:
        tasks.enqueue_send_due()
