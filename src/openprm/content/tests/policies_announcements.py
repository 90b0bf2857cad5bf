"""Access policies of the announcements (see openprm.testing.authz).

Vendor staff read every announcement (``content.READ``); channel marketing and
admins write and publish (``content.MANAGE``). In the portal and the API a partner
user reads and acknowledges the live announcements of their audiences: the
announcement under test is for an audience holding world.owner alone, so the
partner beside it and the distributor above get 404.
"""

from django.utils import timezone

from openprm.content import permissions
from openprm.content.tests.factories import AnnouncementFactory, AudienceFactory
from openprm.partners.models import Partner
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    partner_area,
    signed_in,
    vendor,
)

READERS = vendor(rule=permissions.READ)
MANAGERS = vendor(rule=permissions.MANAGE)
OWNER_TAG = "announcement-audience"
API = "api:{method} /api/v1{path}"


def _signed_out(actor: str) -> bool:
    return actor in (*SIGNED_OUT_ACTORS, "revoked_token")


def portal_audience(actor: str):
    """A portal page of an announcement for world.owner's audience: its users;
    other partners 404; vendor staff (no membership) 403."""
    if _signed_out(actor):
        return LOGIN
    if actor in OWNER_ACTORS:
        return ALLOW
    return FORBID if actor in VENDOR_ACTORS else HIDE


def api_reader(actor: str):
    """The API's announcement: every vendor role, the audience's users; 404 for
    other partners."""
    if _signed_out(actor):
        return LOGIN
    return ALLOW if actor in (*VENDOR_ACTORS, *OWNER_ACTORS) else HIDE


def owner_audience(world):
    Partner.objects.filter(pk=world.owner.pk).update(tags=[OWNER_TAG])
    return AudienceFactory(
        rule={"all": [{"field": "tags", "op": "any", "value": [OWNER_TAG]}]}
    )


def for_owner(world):
    """A live announcement to acknowledge, for world.owner's users alone."""
    return AnnouncementFactory(
        audience=owner_audience(world), requires_acknowledgement=True
    )


def draft(world):
    return AnnouncementFactory(publish_at=None)


def public_kwargs(obj):
    return {"public_id": obj.public_id}


def api_kwargs(obj):
    return {"announcement_id": obj.public_id}


POLICIES = [
    Policy("web:console:announcements", READERS),
    Policy(
        "web:console:announcement_create",
        MANAGERS,
        method="POST",
        make=lambda world: AudienceFactory(),
        data=lambda audience: {
            "title": "Price list",
            "body": "<p>New prices.</p>",
            "audience": str(audience.public_id),
        },
    ),
    Policy(
        "web:console:announcement",
        READERS,
        make=for_owner,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:announcement_edit",
        MANAGERS,
        method="POST",
        make=draft,
        kwargs=public_kwargs,
        data=lambda obj: {
            "title": "Renamed",
            "body": "<p>New prices.</p>",
            "audience": str(obj.audience.public_id),
        },
    ),
    Policy(
        "web:console:announcement_publish",
        MANAGERS,
        method="POST",
        make=draft,
        kwargs=public_kwargs,
    ),
    Policy("web:portal:announcements", partner_area()),
    Policy(
        "web:portal:announcement",
        portal_audience,
        make=for_owner,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:announcement_acknowledge",
        portal_audience,
        method="POST",
        make=for_owner,
        kwargs=public_kwargs,
    ),
    Policy(API.format(method="GET", path="/announcements"), signed_in()),
    Policy(
        API.format(method="POST", path="/announcements"),
        MANAGERS,
        make=lambda world: AudienceFactory(),
        data=lambda audience: {
            "title": "Price list",
            "body": "<p>New prices.</p>",
            "audience": str(audience.public_id),
            "publish_at": timezone.now().isoformat(),
        },
    ),
    Policy(
        API.format(method="GET", path="/announcements/{announcement_id}"),
        api_reader,
        make=for_owner,
        kwargs=api_kwargs,
    ),
    Policy(
        API.format(method="PATCH", path="/announcements/{announcement_id}"),
        MANAGERS,
        make=draft,
        kwargs=api_kwargs,
        data=lambda obj: {"title": "Renamed"},
    ),
    Policy(
        API.format(method="POST", path="/announcements/{announcement_id}/publish"),
        MANAGERS,
        make=draft,
        kwargs=api_kwargs,
    ),
    Policy(
        API.format(method="POST", path="/announcements/{announcement_id}/acknowledge"),
        lambda actor: FORBID if actor in VENDOR_ACTORS else api_reader(actor),
        make=for_owner,
        kwargs=api_kwargs,
        data=lambda obj: {},
    ),
    Policy(
        API.format(method="GET", path="/announcements/{announcement_id}/receipts"),
        READERS,
        make=for_owner,
        kwargs=api_kwargs,
    ),
]
