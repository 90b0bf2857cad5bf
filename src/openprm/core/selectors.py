"""Reads of the kernel's own records: the audit trail and the event outbox.

Both are administration records. The audit trail is read by vendor admins (all of it)
and partner admins (the entries about the organisations they administer, see
``core.scoping.admin_scope_for``); the outbox by vendor admins only. Anyone else is
refused with ``PermissionDenied``, and an entry outside the reader's scope is
``NotFound``.
"""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.apps import apps
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from openprm.core.errors import NotFound, PermissionDenied
from openprm.core.models import (
    AuditEntry,
    DeliveryStatus,
    OutboxEvent,
    SubscriberDelivery,
)
from openprm.core.scoping import Scope, admin_scope_for

AUDIT_SORTS = {
    "-occurred_at": ("-occurred_at", "-id"),
    "occurred_at": ("occurred_at", "id"),
}

# The delivery states a console user filters events by. "retrying" is a delivery
# that failed at least once and waits for its next attempt.
RETRYING = "retrying"
DELIVERY_STATES = (
    DeliveryStatus.PENDING,
    RETRYING,
    DeliveryStatus.FAILED,
    DeliveryStatus.DELIVERED,
)


@dataclass(frozen=True)
class AuditFilters:
    """What a reader narrows the audit trail to; empty values do not filter."""

    actor: str = ""  # the actor's email address at the time
    object_type: str = ""  # app_label.model, e.g. partners.partner
    object_id: str = ""
    action: str = ""  # create, update or delete
    verb: str = ""  # the business action, e.g. partner.created
    partner_id: int | None = None
    occurred_from: datetime | None = None  # inclusive
    occurred_until: datetime | None = None  # exclusive
    request_id: str = ""
    sort: str = "-occurred_at"


@dataclass(frozen=True)
class EventFilters:
    """What a vendor admin narrows the outbox to; empty values do not filter."""

    name: str = ""
    delivery_state: str = ""  # one of DELIVERY_STATES
    subscriber: str = ""
    partner_id: int | None = None
    occurred_from: datetime | None = None
    occurred_until: datetime | None = None
    request_id: str = ""


def _audit_scope(user) -> Scope:
    scope = admin_scope_for(user)
    if scope.is_empty:
        raise PermissionDenied
    return scope


def can_read_audit_trail(*, user) -> bool:
    """Whether the user may read any part of the audit trail."""
    return not admin_scope_for(user).is_empty


def audit_entries_visible_to(
    *, user, filters: AuditFilters | None = None, organisation=None
) -> QuerySet[AuditEntry]:
    """The audit entries the user may read, filtered and sorted; raises
    ``PermissionDenied`` for a user who may read none.

    ``organisation`` (the partner the portal works in) narrows them to that
    partner and, where it sees downstream, the partners beneath it; a user who
    does not administer it is refused.
    """
    filters = filters or AuditFilters()
    scope = _audit_scope(user)
    entries = AuditEntry.objects.filter(scope.id_q("partner_id"))
    if organisation is not None:
        if not scope.includes(organisation):
            raise PermissionDenied
        entries = entries.filter(scope.of_organisation(organisation).id_q("partner_id"))
    if filters.actor:
        entries = entries.filter(actor_label=filters.actor.strip().lower())
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type.strip().lower())
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id.strip())
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.verb:
        entries = entries.filter(verb=filters.verb.strip())
    if filters.partner_id is not None:
        entries = entries.filter(partner_id=filters.partner_id)
    if filters.occurred_from is not None:
        entries = entries.filter(occurred_at__gte=filters.occurred_from)
    if filters.occurred_until is not None:
        entries = entries.filter(occurred_at__lt=filters.occurred_until)
    if filters.request_id:
        entries = entries.filter(request_id=filters.request_id.strip())
    return entries.order_by(*AUDIT_SORTS.get(filters.sort, AUDIT_SORTS["-occurred_at"]))


def audit_entry_visible_to(*, user, entry_id: int, organisation=None) -> AuditEntry:
    """One audit entry the user may read (within ``organisation`` when given);
    ``NotFound`` when it is outside, so that its existence is not revealed."""
    entry = (
        audit_entries_visible_to(user=user, organisation=organisation)
        .select_related("actor")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound
    return entry


def partner_names(*, partner_ids: set[int]) -> dict[int, str]:
    """The names of the partners an audit page mentions, in one query."""
    if not partner_ids:
        return {}
    partner_model = apps.get_model("partners", "Partner")
    return dict(
        partner_model.objects.filter(pk__in=sorted(partner_ids)).values_list(
            "pk", "name"
        )
    )


def can_read_outbox(*, user) -> bool:
    """The outbox is the vendor admins' view of the integration machinery."""
    return admin_scope_for(user).everything


def _outbox_access(user) -> None:
    if not can_read_outbox(user=user):
        raise PermissionDenied


def _deliveries_in_state(state: str) -> Q:
    if state == RETRYING:
        return Q(status=DeliveryStatus.PENDING, attempts__gt=0)
    if state == DeliveryStatus.PENDING:
        return Q(status=DeliveryStatus.PENDING, attempts=0)
    return Q(status=state)


def outbox_events_for(
    *, user, filters: EventFilters | None = None
) -> QuerySet[OutboxEvent]:
    """Outbox events, newest first, with their deliveries (by subscriber) prefetched;
    raises ``PermissionDenied`` for anyone but a vendor admin."""
    _outbox_access(user)
    filters = filters or EventFilters()
    events = OutboxEvent.objects.all()
    if filters.name:
        events = events.filter(name=filters.name.strip())
    if filters.delivery_state or filters.subscriber:
        deliveries = SubscriberDelivery.objects.filter(event=OuterRef("pk"))
        if filters.delivery_state:
            deliveries = deliveries.filter(_deliveries_in_state(filters.delivery_state))
        if filters.subscriber:
            deliveries = deliveries.filter(subscriber=filters.subscriber.strip())
        events = events.filter(Exists(deliveries))
    if filters.partner_id is not None:
        events = events.filter(partner_id=filters.partner_id)
    if filters.occurred_from is not None:
        events = events.filter(occurred_at__gte=filters.occurred_from)
    if filters.occurred_until is not None:
        events = events.filter(occurred_at__lt=filters.occurred_until)
    if filters.request_id:
        events = events.filter(request_id=filters.request_id.strip())
    return events.prefetch_related(
        Prefetch(
            "deliveries",
            queryset=SubscriberDelivery.objects.order_by("subscriber", "id"),
        )
    ).order_by("-id")


def outbox_event_for(*, user, event_id: UUID) -> OutboxEvent:
    """One outbox event (by its public uuid) with its deliveries."""
    event = outbox_events_for(user=user).filter(uuid=event_id).first()
    if event is None:
        raise NotFound
    return event
