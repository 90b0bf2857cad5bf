"""The kernel's REST endpoints: the audit trail and the event outbox.

Audit entries are read by vendor admins (all) and partner admins (their organisations);
the outbox by vendor admins.

The audit list is the API's hottest read path and is kept lean (see bench/ and
docs/api.md): its columns come from ``.values()`` as dicts, a plain pydantic model
(not a ninja ``Schema``, whose per-field getter costs more than the query) checks
them, and pydantic writes the JSON; three queries besides the token: the reader's
scope (partner admins), the count (up to a cap, ``CappedPagination``), and the
page, whose keys come from the index (``core.db.page_by_keys``) so that deep pages
stay cheap.
"""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.db.models import F, QuerySet
from django.http import HttpResponse
from ninja import Field, Query, Schema, Status
from pydantic import BaseModel

from openprm.core import branding, selectors, services
from openprm.core.api import ApiRouter, CappedPagination, Page, StrictSchema
from openprm.core.models import OutboxEvent

router = ApiRouter()

AUDIT_TAGS = ["audit"]
EVENT_TAGS = ["events"]


# --- the audit trail


class AuditEntryOut(BaseModel):
    """One recorded change: who (user or token), when, what, before and after."""

    id: int
    occurred_at: datetime
    actor: UUID | None = Field(
        None,
        validation_alias="actor_public_id",
        description="The acting user's id (null: the system or a deleted user).",
    )
    actor_label: str = Field(description="The actor's email address at the time.")
    token: int | None = Field(
        None, validation_alias="token_id", description="The API token used, if any."
    )
    token_label: str
    action: str = Field(description="create, update or delete.")
    verb: str = Field(description="The business action, e.g. partner.created.")
    object_type: str = Field(description="app_label.model, e.g. partners.partner.")
    object_id: str
    object_repr: str
    partner: int | None = Field(
        None,
        validation_alias="partner_id",
        description="The partner the object belongs to.",
    )
    changes: dict[str, list[Any]] = Field(
        description="Per changed field: [before, after] (null: no value)."
    )
    request_id: str
    client_ip: str | None


class AuditEntryPage(BaseModel):
    items: list[AuditEntryOut]
    count: int = Field(
        description="Entries matching the filters, counted up to a cap "
        "(the same on every page)."
    )
    count_is_capped: bool = Field(
        False, description="True when more entries match than `count` says."
    )


# Every column of AuditEntryOut but the actor, which is the user's public id.
AUDIT_ENTRY_COLUMNS = (
    "id",
    "occurred_at",
    "actor_label",
    "token_id",
    "token_label",
    "action",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "partner_id",
    "changes",
    "request_id",
    "client_ip",
)


class AuditEntryFilters(StrictSchema):
    actor: str = Field("", description="The actor's email address.")
    object_type: str = Field("", description="app_label.model, e.g. partners.partner.")
    object_id: str = ""
    action: Literal["", "create", "update", "delete"] = ""
    verb: str = Field("", description="The business action, e.g. partner.created.")
    partner: int | None = Field(None, description="The owning partner's id.")
    occurred_after: datetime | None = Field(None, description="Inclusive.")
    occurred_before: datetime | None = Field(None, description="Exclusive.")
    request_id: str = ""
    sort: Literal["-occurred_at", "occurred_at"] = "-occurred_at"

    def selection(self) -> selectors.AuditFilters:
        return selectors.AuditFilters(
            actor=self.actor,
            object_type=self.object_type,
            object_id=self.object_id,
            action=self.action,
            verb=self.verb,
            partner_id=self.partner,
            occurred_from=self.occurred_after,
            occurred_until=self.occurred_before,
            request_id=self.request_id,
            sort=self.sort,
        )


@router.get(
    "/audit-entries",
    response=AuditEntryPage,
    tags=AUDIT_TAGS,
    summary="List audit entries",
    description=(
        "Newest first (`sort=occurred_at` for oldest first). Vendor admins see every "
        "entry, partner admins the entries about their own organisations; anyone "
        "else gets 403."
    ),
)
def audit_entry_list(
    request, filters: Query[AuditEntryFilters], page: Query[CappedPagination.Input]
):
    entries = selectors.audit_entries_visible_to(
        user=request.user, filters=filters.selection()
    )
    data = CappedPagination().paginate_queryset(
        Page(entries, audit_rows, by_keys=True), page, request
    )
    return HttpResponse(
        AuditEntryPage.model_validate(data).model_dump_json(),
        content_type="application/json",
    )


def audit_rows(entries: QuerySet) -> QuerySet:
    """The page's entries as the dicts AuditEntryOut reads (one query, no model
    instances)."""
    return entries.values(*AUDIT_ENTRY_COLUMNS, actor_public_id=F("actor__public_id"))


@router.get(
    "/audit-entries/{entry_id}",
    response=AuditEntryOut,
    tags=AUDIT_TAGS,
    summary="One audit entry",
)
def audit_entry_detail(request, entry_id: int):
    entry = selectors.audit_entry_visible_to(user=request.user, entry_id=entry_id)
    return {
        **{column: getattr(entry, column) for column in AUDIT_ENTRY_COLUMNS},
        "actor_public_id": entry.actor.public_id if entry.actor else None,
    }


# --- the event outbox


class DeliveryOut(Schema):
    """The hand-over of the event to one subscriber."""

    subscriber: str
    status: str = Field(description="pending, delivered or failed (given up).")
    attempts: int
    last_error: str
    next_attempt_at: datetime
    delivered_at: datetime | None


class EventOut(Schema):
    id: UUID = Field(description="The event's id (also the webhook-id).")
    name: str
    version: int
    occurred_at: datetime
    partner: int | None
    request_id: str
    deliveries: list[DeliveryOut]


class EventDetailOut(EventOut):
    payload: dict[str, Any]


class EventFilters(StrictSchema):
    name: str = Field("", description="The event name, e.g. partner.created.")
    delivery: Literal["", "pending", "retrying", "failed", "delivered"] = Field(
        "",
        description=(
            "Events with a delivery in this state (retrying: failed at least once, "
            "next attempt scheduled; failed: given up)."
        ),
    )
    subscriber: str = ""
    partner: int | None = None
    occurred_after: datetime | None = Field(None, description="Inclusive.")
    occurred_before: datetime | None = Field(None, description="Exclusive.")
    request_id: str = ""

    def selection(self) -> selectors.EventFilters:
        return selectors.EventFilters(
            name=self.name,
            delivery_state=self.delivery,
            subscriber=self.subscriber,
            partner_id=self.partner,
            occurred_from=self.occurred_after,
            occurred_until=self.occurred_before,
            request_id=self.request_id,
        )


class ReplayIn(StrictSchema):
    subscriber: str = Field(
        "", description="Replay to this subscriber only (default: all of them)."
    )


class ReplayOut(Schema):
    event: UUID
    deliveries: int = Field(description="Deliveries queued again.")


def event_data(event: OutboxEvent, *, payload: bool = False) -> dict:
    data = {
        "id": event.uuid,
        "name": event.name,
        "version": event.version,
        "occurred_at": event.occurred_at,
        "partner": event.partner_id,
        "request_id": event.request_id,
        "deliveries": [
            {
                "subscriber": delivery.subscriber,
                "status": delivery.status,
                "attempts": delivery.attempts,
                "last_error": delivery.last_error,
                "next_attempt_at": delivery.next_attempt_at,
                "delivered_at": delivery.delivered_at,
            }
            for delivery in event.deliveries.all()
        ],
    }
    if payload:
        data["payload"] = event.payload
    return data


@router.list(
    "/events",
    response=EventOut,
    tags=EVENT_TAGS,
    summary="List outbox events",
    description="Newest first, with each subscriber's delivery. Vendor admins only.",
)
def event_list(request, filters: Query[EventFilters]):
    events = selectors.outbox_events_for(user=request.user, filters=filters.selection())
    return Page(events, lambda rows: [event_data(event) for event in rows])


@router.get(
    "/events/{event_id}",
    response=EventDetailOut,
    tags=EVENT_TAGS,
    summary="One outbox event with its payload",
)
def event_detail(request, event_id: UUID):
    event = selectors.outbox_event_for(user=request.user, event_id=event_id)
    return event_data(event, payload=True)


@router.post(
    "/events/{event_id}/replay",
    response={202: ReplayOut},
    tags=EVENT_TAGS,
    summary="Deliver an event again",
    description=(
        "Queues the event again for every subscriber, or for one. Subscribers are "
        "idempotent, so a delivered event may safely be replayed."
    ),
)
def event_replay(request, event_id: UUID, payload: ReplayIn | None = None):
    event = selectors.outbox_event_for(user=request.user, event_id=event_id)
    count = services.outbox_event_replay(
        event=event,
        actor=request.user,
        subscriber=payload.subscriber if payload else "",
    )
    return Status(202, {"event": event.uuid, "deliveries": count})


# --- branding

BRANDING_TAGS = ["branding"]


class BrandingOut(Schema):
    vendor_name: str
    logo: str = Field(description="The logo's address; empty without one.")
    primary_colour: str = Field(description="#rrggbb")
    privacy_notice_url: str
    programme_pitch: str


class BrandingIn(StrictSchema):
    vendor_name: str
    primary_colour: str = Field(description="#rrggbb")
    privacy_notice_url: str = ""
    programme_pitch: str = ""
    remove_logo: bool = False


@router.get(
    "/branding",
    response=BrandingOut,
    tags=BRANDING_TAGS,
    summary="The vendor's branding (vendor admins)",
)
def branding_read(request):
    return branding.payload(branding.branding_get(user=request.user))


@router.put(
    "/branding",
    response=BrandingOut,
    tags=BRANDING_TAGS,
    summary="Change the vendor's branding (vendor admins)",
    description="The logo is uploaded in the console; here it can only be removed.",
)
def branding_write(request, payload: BrandingIn):
    row = branding.branding_update(actor=request.user, **payload.model_dump())
    return branding.payload(row)
