"""Reads of notifications: always the signed-in user's own."""

from uuid import UUID

from django.db.models import F, QuerySet

from openprm.core.errors import NotFound
from openprm.notifications import kinds
from openprm.notifications.models import Notification, NotificationPreference


def notification_list_for(*, user) -> QuerySet[Notification]:
    """The user's notifications, unread first, newest first within each."""
    return Notification.objects.filter(recipient=user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )


def notification_get(*, user, public_id: UUID | str) -> Notification:
    try:
        return Notification.objects.get(recipient=user, public_id=public_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None


def unread_count(*, user) -> int:
    """One COUNT query: the badge in the navigation."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def email_disabled_kinds(*, user_ids: list[int]) -> set[tuple[int, str]]:
    """(user id, kind) pairs whose email the user switched off (one query)."""
    return set(
        NotificationPreference.objects.filter(
            user_id__in=user_ids, email_enabled=False
        ).values_list("user_id", "kind")
    )


def preferences_for(*, user) -> list[dict]:
    """Every registered kind with whether the user receives its email."""
    disabled = set(
        NotificationPreference.objects.filter(
            user=user, email_enabled=False
        ).values_list("kind", flat=True)
    )
    return [
        {
            "kind": kind.key,
            "label": str(kind.label),
            "required": kind.required,
            "email_enabled": kind.required or kind.key not in disabled,
        }
        for kind in kinds.registered()
    ]


PARTNER_SECTION_NOTIFICATIONS = 8


def partner_notification_section(user, partner) -> dict | None:
    """The partner page's notifications: the latest sent to the partner's people,
    with whether they were read. Two queries. Vendor staff only (a partner user
    reads only their own notifications)."""
    if not user.is_vendor_staff:
        return None
    sent = Notification.objects.filter(
        recipient__memberships__partner=partner
    ).distinct()
    return {
        "count": sent.count(),
        "latest": list(
            sent.select_related("recipient").order_by("-created_at", "-id")[
                :PARTNER_SECTION_NOTIFICATIONS
            ]
        ),
    }
