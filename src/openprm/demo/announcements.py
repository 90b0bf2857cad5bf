"""Demo data of announcements: a pinned welcome for every active partner, a price
list EMEA resellers must acknowledge (some did), news, one scheduled, one expired
and one draft.

Safe to run twice: nothing is added when an announcement of the same title exists.
"""

from datetime import timedelta

from django.utils import timezone

from openprm.content.announcements import selectors, services
from openprm.content.models import Announcement
from openprm.segments.models import Audience

EVERYONE = ("Every active partner", {"field": "status", "op": "eq", "value": "active"})
EMEA_RESELLERS = (
    "Active EMEA resellers",
    {
        "all": [
            {"field": "status", "op": "eq", "value": "active"},
            {"field": "region", "op": "eq", "value": "EMEA"},
            {"field": "partner_type", "op": "eq", "value": "reseller"},
        ]
    },
)
# Title, audience, days from now it is published (None: a draft), days it lasts,
# pinned, required, body.
ANNOUNCEMENTS = [
    (
        "Welcome to the partner portal",
        EVERYONE,
        -60,
        None,
        True,
        False,
        "<p>Everything for selling with us in one place: deals, leads, the "
        "programme and its benefits, and the <strong>partner library</strong>.</p>",
    ),
    (
        "New partner price list from the 1st",
        EMEA_RESELLERS,
        -5,
        None,
        False,
        True,
        "<h2>What changes</h2><ul><li>Hardware: +3 %</li><li>Services and "
        "subscriptions: unchanged</li></ul><p>Please confirm that your sales team "
        "knows the new prices.</p>",
    ),
    (
        "Partner summit in Lisbon, 12 and 13 May",
        EVERYONE,
        -2,
        None,
        False,
        False,
        "<p>Two days of roadmap, training and awards. Registration opens next "
        'week; see the <a href="https://example.com/summit">summit page</a>.</p>',
    ),
    (
        "Q3 launch: the security bundle",
        EVERYONE,
        7,
        None,
        False,
        False,
        "<p>A new bundle for mid-sized customers, with launch material in the "
        "library.</p>",
    ),
    (
        "Holiday support hours",
        EVERYONE,
        -40,
        10,
        False,
        False,
        "<p>Partner support answers from 9:00 to 13:00 between the holidays.</p>",
    ),
    (
        "Draft: autumn incentive",
        EVERYONE,
        None,
        None,
        False,
        False,
        "<p>To be announced.</p>",
    ),
]
ACKNOWLEDGING_SHARE = 2  # one in this many EMEA reseller users acknowledged


def _audience(name: str, rule: dict, actor) -> Audience:
    audience = Audience.objects.filter(name=name).first()
    if audience is None:
        audience = Audience.objects.create(name=name, rule=rule, created_by=actor)
    return audience


def build_demo_announcements(*, actor) -> int:
    """Write the demo announcements; return how many were written."""
    now = timezone.now()
    written = 0
    for title, (name, rule), starts, lasts, pinned, required, body in ANNOUNCEMENTS:
        if Announcement.objects.filter(title=title).exists():
            continue
        audience = _audience(name, rule, actor)
        publish_at = now + timedelta(days=starts) if starts is not None else None
        expires_at = (
            publish_at + timedelta(days=lasts) if publish_at and lasts else None
        )
        announcement = services.announcement_create(
            actor=actor,
            title=title,
            body=body,
            audience=audience,
            is_pinned=pinned,
            publish_at=publish_at,
            expires_at=expires_at,
            requires_acknowledgement=required,
            # Past news is not emailed again to the demo's users; the scheduled
            # one is, when the worker's sweep publishes it.
            sends_notification=starts is not None and starts > 0,
        )
        written += 1
        if required:
            memberships = selectors.audience_memberships(audience).order_by("id")
            for index, membership in enumerate(memberships):
                if index % ACKNOWLEDGING_SHARE == 0:
                    services.announcement_acknowledge(
                        actor=membership.user,
                        partner_id=membership.partner_id,
                        announcement=announcement,
                    )
    return written
