"""REST endpoints of notifications: the caller's own notifications and email
preferences (any signed-in user or API token)."""

from datetime import datetime
from uuid import UUID

from ninja import Schema

from openprm.core.api import ApiRouter, StrictSchema, as_uuid
from openprm.notifications import selectors, services
from openprm.notifications.models import Notification

router = ApiRouter(tags=["notifications"])


class NotificationOut(Schema):
    id: UUID
    kind: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_id(obj: Notification) -> UUID:
        return obj.public_id


class UnreadOut(Schema):
    unread: int


class MarkedReadOut(Schema):
    marked: int


class PreferenceOut(Schema):
    kind: str
    label: str
    required: bool
    email_enabled: bool


class PreferenceIn(StrictSchema):
    kind: str
    email_enabled: bool


@router.list(
    "/notifications",
    response=NotificationOut,
    summary="List my notifications",
)
def notification_list(request):
    """Unread first, newest first within each."""
    return selectors.notification_list_for(user=request.user)


@router.get(
    "/notifications/unread-count",
    response=UnreadOut,
    summary="Count my unread notifications",
)
def notification_unread_count(request):
    return {"unread": selectors.unread_count(user=request.user)}


@router.post(
    "/notifications/read-all",
    response=MarkedReadOut,
    summary="Mark all my notifications read",
)
def notification_read_all(request):
    return {"marked": services.notification_mark_all_read(user=request.user)}


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one notification read",
)
def notification_read(request, notification_id: str):
    """Someone else's notification is a 404."""
    notification = selectors.notification_get(
        user=request.user, public_id=as_uuid(notification_id)
    )
    return services.notification_mark_read(user=request.user, notification=notification)


@router.get(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="My email preferences per kind",
)
def preference_list(request):
    """Every kind; ``required`` ones are always emailed. A list, not paged: one
    row per notification kind, defined in code."""
    return selectors.preferences_for(user=request.user)


@router.put(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="Switch the email of one kind on or off",
)
def preference_set(request, payload: PreferenceIn):
    """422 for an unknown kind or for switching off a required one. A list, not
    paged: one row per notification kind, defined in code."""
    services.notification_preference_set(
        user=request.user, kind=payload.kind, email_enabled=payload.email_enabled
    )
    return selectors.preferences_for(user=request.user)
