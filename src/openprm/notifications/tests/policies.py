"""Access policies of the notification centre.

Every signed-in user has their own notifications: the console pages are for vendor
staff, the portal pages for partner users, the API for anyone with a token.
Someone else's notification is a 404. Marking read writes no audit entry or event
(a reader's own bookkeeping, not business data): the policies check the
notification is read instead.
"""

from openprm.notifications import kinds
from openprm.notifications.models import Notification
from openprm.notifications.tests.factories import NotificationFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Outcome,
    Policy,
    partner_area,
    signed_in,
    vendor,
)

MATRIX_KIND = kinds.register("matrix.check", "Matrix check").key


def _owned_by(actor_name: str):
    def make(world):
        return NotificationFactory(recipient=world.users[actor_name])

    return make


def _only(owner: str, *, area_actors=None):
    """The owner is allowed; others inside the area get 404, outside it 403."""

    def expect(actor: str) -> Outcome:
        if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
            return LOGIN
        if actor == owner:
            return ALLOW
        if area_actors is not None and not area_actors(actor):
            return FORBID
        return HIDE

    return expect


def _is_vendor(actor: str) -> bool:
    return actor in VENDOR_ACTORS


def _is_partner(actor: str) -> bool:
    return actor not in VENDOR_ACTORS


def _kwargs(notification):
    return {"public_id": notification.public_id}


def _one_unread_each(world) -> list[Notification]:
    """An unread notification for every actor: "mark all read" has something to do
    whoever sends it."""
    return [NotificationFactory(recipient=user) for user in world.users.values()]


def _is_read(notification) -> bool:
    notification.refresh_from_db()
    return notification.read_at is not None


def _any_read(notifications) -> bool:
    """The sender's own notification was marked read (only theirs can be)."""
    return Notification.objects.filter(
        pk__in=[item.pk for item in notifications], read_at__isnull=False
    ).exists()


def _area_policies(area: str, expect, owner: str, is_area) -> list[Policy]:
    return [
        Policy(f"web:{area}:notification_list", expect, make=_owned_by(owner)),
        Policy(f"web:{area}:notification_badge", expect, make=_owned_by(owner)),
        Policy(
            f"web:{area}:notification_read_all",
            expect,
            method="POST",
            make=_one_unread_each,
            data=lambda obj: {},
            happened=_any_read,
        ),
        Policy(f"web:{area}:notification_preferences", expect),
        Policy(
            f"web:{area}:notification_read",
            _only(owner, area_actors=is_area),
            method="POST",
            make=_owned_by(owner),
            kwargs=_kwargs,
            data=lambda obj: {},
            happened=_is_read,
        ),
    ]


POLICIES = [
    *_area_policies("console", vendor(), "vendor_admin", _is_vendor),
    *_area_policies("portal", partner_area(), "owner_partner_admin", _is_partner),
    Policy("api:GET /api/v1/notifications", signed_in()),
    Policy("api:GET /api/v1/notifications/unread-count", signed_in()),
    Policy(
        "api:POST /api/v1/notifications/read-all",
        signed_in(),
        make=_one_unread_each,
        data=lambda obj: {},
        happened=_any_read,
    ),
    Policy(
        "api:POST /api/v1/notifications/{notification_id}/read",
        _only("vendor_admin"),
        make=_owned_by("vendor_admin"),
        kwargs=lambda obj: {"notification_id": obj.public_id},
        data=lambda obj: {},
        happened=_is_read,
    ),
    Policy("api:GET /api/v1/notifications/preferences", signed_in()),
    Policy(
        "api:PUT /api/v1/notifications/preferences",
        signed_in(),
        data=lambda obj: {"kind": MATRIX_KIND, "email_enabled": False},
    ),
]
