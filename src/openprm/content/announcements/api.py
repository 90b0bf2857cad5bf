"""REST endpoints of announcements.

Vendor staff (``content.READ``) list and read every announcement and its receipts;
channel marketing (``content.MANAGE``) write and publish them. A partner user lists
and reads the live announcements of their audiences — for ``partner`` (one of their
organisations), else their first by name — and acknowledges the ones that ask for
it; any other announcement is not found (404).
"""

from contextlib import contextmanager
from datetime import datetime
from uuid import UUID

from ninja import Field, Query, Schema
from ninja.responses import Status

from openprm.content import permissions
from openprm.content.announcements import selectors, services
from openprm.content.models import Announcement, AnnouncementReceipt
from openprm.core.api import ApiRouter, ReaderQuery, StrictSchema, lookup
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.segments.models import Audience

router = ApiRouter(tags=["content"])


class AnnouncementIn(StrictSchema):
    class Meta:
        model = Announcement

    title: str
    body: str = Field(description="HTML; sanitised when it is saved.")
    audience: UUID
    is_pinned: bool = False
    publish_at: datetime | None = Field(
        None, description="Empty: a draft. Now or earlier: published (and announced)."
    )
    expires_at: datetime | None = None
    requires_acknowledgement: bool = False
    sends_notification: bool = True


class AnnouncementPatch(StrictSchema):
    class Meta:
        model = Announcement

    title: str | None = None
    body: str | None = None
    audience: UUID | None = None
    is_pinned: bool | None = None
    publish_at: datetime | None = None
    expires_at: datetime | None = None
    requires_acknowledgement: bool | None = None
    sends_notification: bool | None = None


class AcknowledgeIn(StrictSchema):
    partner: int | None = Field(
        None, description="The organisation acknowledging (default: the first)."
    )


class AnnouncementOut(Schema):
    id: UUID
    title: str
    body: str
    audience: UUID
    audience_name: str
    is_pinned: bool
    publish_at: datetime | None
    expires_at: datetime | None
    requires_acknowledgement: bool
    sends_notification: bool
    status: str
    notified_at: datetime | None = Field(None, description="When it was announced.")
    read_at: datetime | None = Field(None, description="Partner users: their reading.")
    acknowledged_at: datetime | None = Field(
        None, description="Partner users: their acknowledgement."
    )
    read_count: int | None = Field(None, description="Vendor staff: readers so far.")
    acknowledged_count: int | None = Field(
        None, description="Vendor staff: acknowledgements so far."
    )

    @staticmethod
    def resolve_id(obj: Announcement) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_audience(obj: Announcement) -> UUID:
        return obj.audience.public_id

    @staticmethod
    def resolve_audience_name(obj: Announcement) -> str:
        return obj.audience.name

    @staticmethod
    def resolve_status(obj: Announcement) -> str:
        return selectors.status_of(obj)

    @staticmethod
    def resolve_read_at(obj: Announcement) -> datetime | None:
        return getattr(obj, "my_read_at", None)

    @staticmethod
    def resolve_acknowledged_at(obj: Announcement) -> datetime | None:
        return getattr(obj, "my_acknowledged_at", None)

    @staticmethod
    def resolve_read_count(obj: Announcement) -> int | None:
        return getattr(obj, "read_count", None)

    @staticmethod
    def resolve_acknowledged_count(obj: Announcement) -> int | None:
        return getattr(obj, "acknowledged_count", None)


class ReceiptOut(Schema):
    partner: int
    partner_name: str
    user: UUID
    email: str
    read_at: datetime | None
    acknowledged_at: datetime | None
    reminded_at: datetime | None

    @staticmethod
    def resolve_partner(obj: AnnouncementReceipt) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: AnnouncementReceipt) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_user(obj: AnnouncementReceipt) -> UUID:
        return obj.user.public_id

    @staticmethod
    def resolve_email(obj: AnnouncementReceipt) -> str:
        return obj.user.email


def _visible(request, partner_id: int | None):
    """What the caller may read: every announcement for vendor staff, the live ones
    of their audiences for a partner user."""
    user = request.user
    if user.is_vendor_staff:
        return selectors.announcements_for_staff(user=user)
    reader, _partner = selectors.reader_for(user=user, partner_id=partner_id)
    return selectors.announcements_for_reader(reader=reader, user=user)


def _audience(public_id: UUID | None) -> Audience | None:
    """The active audience the API names; None (refused by the service, see
    :func:`_saving`) when there is none."""
    if public_id is None:
        return None
    return selectors.audiences_by_public_id([public_id]).get(public_id)


@contextmanager
def _saving(audience_named: bool):
    """A service's refusal, saying "no such audience" when the id named none."""
    try:
        yield
    except ValidationFailed as error:
        if audience_named and "audience" in error.field_errors:
            error.field_errors["audience"] = [UNKNOWN_AUDIENCE]
        raise


UNKNOWN_AUDIENCE = "No active audience has this id."
# What a PATCH may not clear (the dates may: no date is a draft, or no expiry).
NOT_NULL = (
    "title",
    "body",
    "is_pinned",
    "requires_acknowledgement",
    "sends_notification",
)


@router.list(
    "/announcements",
    response=AnnouncementOut,
    summary="List announcements (all for vendor staff; a partner user's live ones)",
)
def announcement_list(request, filters: Query[ReaderQuery]):
    return _visible(request, filters.partner)


@router.post(
    "/announcements",
    response={201: AnnouncementOut},
    summary="Write an announcement (channel marketing)",
)
def announcement_create(request, payload: AnnouncementIn):
    permissions.MANAGE.ensure(request.user)
    data = payload.dict()
    data["audience"] = _audience(payload.audience)
    with _saving(data["audience"] is None):
        announcement = services.announcement_create(actor=request.user, **data)
    return Status(
        201,
        selectors.announcement_get(user=request.user, public_id=announcement.public_id),
    )


@router.get(
    "/announcements/{announcement_id}",
    response=AnnouncementOut,
    summary="Get an announcement (out of a partner user's audience: 404)",
)
def announcement_get(request, announcement_id: UUID, filters: Query[ReaderQuery]):
    try:
        return _visible(request, filters.partner).get(public_id=announcement_id)
    except Announcement.DoesNotExist:
        raise NotFound from None


@router.patch(
    "/announcements/{announcement_id}",
    response=AnnouncementOut,
    summary="Change an announcement (channel marketing)",
    description="Only the fields sent change; `null` clears a date.",
)
def announcement_update(request, announcement_id: UUID, payload: AnnouncementPatch):
    announcement = lookup(
        request,
        selectors.announcement_get,
        rule=permissions.MANAGE,
        public_id=announcement_id,
    )
    changes = payload.dict(exclude_unset=True)
    nulls = sorted(
        name for name in NOT_NULL if name in changes and changes[name] is None
    )
    if nulls:
        raise ValidationFailed(
            field_errors={name: ["May not be null."] for name in nulls}
        )
    if "audience" in changes:
        changes["audience"] = _audience(changes["audience"])
    with _saving("audience" in changes and changes["audience"] is None):
        services.announcement_update(
            actor=request.user, announcement=announcement, **changes
        )
    return selectors.announcement_get(user=request.user, public_id=announcement_id)


@router.post(
    "/announcements/{announcement_id}/publish",
    response=AnnouncementOut,
    summary="Publish an announcement now and announce it (channel marketing)",
)
def announcement_publish(request, announcement_id: UUID):
    announcement = lookup(
        request,
        selectors.announcement_get,
        rule=permissions.MANAGE,
        public_id=announcement_id,
    )
    services.announcement_publish(actor=request.user, announcement=announcement)
    return selectors.announcement_get(user=request.user, public_id=announcement_id)


@router.post(
    "/announcements/{announcement_id}/acknowledge",
    response=AnnouncementOut,
    summary="Acknowledge an announcement that asks for it (partner users)",
)
def announcement_acknowledge(
    request, announcement_id: UUID, payload: AcknowledgeIn | None = None
):
    user = request.user
    if user.is_vendor_staff:
        raise PermissionDenied("Partner users acknowledge announcements.")
    partner_id = payload.partner if payload else None
    reader, partner = selectors.reader_for(user=user, partner_id=partner_id)
    announcement = selectors.announcement_for_reader(
        reader=reader, user=user, public_id=announcement_id
    )
    services.announcement_acknowledge(
        actor=user, partner_id=partner, announcement=announcement
    )
    return selectors.announcement_for_reader(
        reader=reader, user=user, public_id=announcement_id
    )


@router.list(
    "/announcements/{announcement_id}/receipts",
    response=ReceiptOut,
    summary="Who read and acknowledged an announcement (vendor staff)",
)
def receipt_list(request, announcement_id: UUID):
    announcement = lookup(
        request,
        selectors.announcement_get,
        rule=permissions.READ,
        public_id=announcement_id,
    )
    return selectors.receipts_of(user=request.user, announcement=announcement)
