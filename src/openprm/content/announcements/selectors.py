"""Scoped reads of announcements.

Vendor staff (``content.READ``) read every announcement with its reach and its
receipts. A partner user reads, for the organisation they work for, the live
announcements whose audience holds them (``segments.audiences``); anything else
is not found. An audience's readers in the other direction — the users an
announcement goes to — are the active memberships of the partners its rule selects
whose roles match (:func:`audience_memberships`).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from openprm.content import permissions
from openprm.content.announcements.choices import AnnouncementStatus
from openprm.content.models import Announcement, AnnouncementReceipt, live_q
from openprm.core.db import JSONListContains
from openprm.core.errors import NotFound
from openprm.partners.models import Partner
from openprm.segments import rules
from openprm.segments.audiences import AudienceReader, audience_q, audience_reader
from openprm.segments.models import Audience
from openprm.segments.selectors import custom_field_types
from openprm.tenancy.models import Membership
from openprm.tenancy.selectors import membership_read_for

# How many announcements the portal home shows.
HOME_COUNT = 3


def status_of(announcement: Announcement, now: datetime | None = None) -> str:
    """Draft (no publishing date), scheduled, live or expired."""
    now = now or timezone.now()
    if announcement.publish_at is None:
        return AnnouncementStatus.DRAFT
    if announcement.publish_at > now:
        return AnnouncementStatus.SCHEDULED
    if announcement.expires_at is not None and announcement.expires_at <= now:
        return AnnouncementStatus.EXPIRED
    return AnnouncementStatus.LIVE


STATUS_Q = {
    AnnouncementStatus.DRAFT: lambda now: Q(publish_at__isnull=True),
    AnnouncementStatus.SCHEDULED: lambda now: Q(publish_at__gt=now),
    AnnouncementStatus.LIVE: live_q,
    AnnouncementStatus.EXPIRED: lambda now: Q(expires_at__lte=now),
}


# --- who an audience reaches


def _partners_q(audience: Audience, field_types: dict[str, str]) -> Q:
    """Memberships whose partner the audience's rule selects."""
    partners = Partner.objects.filter(
        rules.to_q(audience.rule, custom_fields=field_types) or Q()
    ).values("pk")
    return Q(partner_id__in=partners)


def _roles_q(audience: Audience) -> Q:
    if not audience.partner_roles:
        return Q()
    condition = Q(pk__in=[])
    for role in audience.partner_roles:
        condition |= Q(JSONListContains("roles", role))
    return condition


def _active_memberships() -> QuerySet[Membership]:
    return Membership.objects.filter(is_active=True, user__is_active=True).exclude(
        partner__status="terminated"
    )


def audience_memberships(
    audience: Audience, *, field_types: dict[str, str] | None = None
) -> QuerySet[Membership]:
    """The active memberships an audience holds now (none when it is switched off):
    its readers, one row per user and organisation."""
    if not audience.is_active:
        return Membership.objects.none()
    if field_types is None:
        field_types = custom_field_types()
    return _active_memberships().filter(
        _partners_q(audience, field_types) & _roles_q(audience)
    )


@dataclass(frozen=True)
class Reach:
    partners: int
    users: int


def audience_reach(audiences: list[Audience]) -> dict[int, Reach]:
    """How many partners and users each audience reaches now, all counted in one
    query (plus the custom field types the rules may test)."""
    audiences = [audience for audience in {a.pk: a for a in audiences}.values()]
    if not audiences:
        return {}
    field_types = custom_field_types()
    columns = {}
    for audience in audiences:
        if not audience.is_active:
            continue
        condition = _partners_q(audience, field_types) & _roles_q(audience)
        columns[f"p{audience.pk}"] = Count(
            "partner_id", distinct=True, filter=condition
        )
        columns[f"u{audience.pk}"] = Count("user_id", distinct=True, filter=condition)
    counts = _active_memberships().aggregate(**columns) if columns else {}
    return {
        audience.pk: Reach(
            partners=counts.get(f"p{audience.pk}") or 0,
            users=counts.get(f"u{audience.pk}") or 0,
        )
        for audience in audiences
    }


# --- the console


def announcements_for_staff(*, user) -> QuerySet[Announcement]:
    """Every announcement (vendor staff), with its receipt counts."""
    permissions.READ.ensure(user)
    return (
        Announcement.objects.select_related("audience", "author")
        .annotate(
            read_count=Count("receipts", filter=Q(receipts__read_at__isnull=False)),
            acknowledged_count=Count(
                "receipts", filter=Q(receipts__acknowledged_at__isnull=False)
            ),
        )
        .order_by("-created_at", "-id")
    )


def announcement_get(*, user, public_id) -> Announcement:
    """One announcement for vendor staff."""
    try:
        return announcements_for_staff(user=user).get(public_id=public_id)
    except (Announcement.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def audiences_to_choose(*, user) -> QuerySet[Audience]:
    """The audiences an announcement may be written for (active ones)."""
    permissions.READ.ensure(user)
    return Audience.objects.filter(is_active=True).order_by("name", "id")


def audiences_by_public_id(public_ids) -> dict:
    """Active audiences by public id (the API names them so)."""
    return {
        audience.public_id: audience
        for audience in Audience.objects.filter(
            is_active=True, public_id__in=public_ids
        )
    }


def receipts_of(*, user, announcement: Announcement) -> QuerySet[AnnouncementReceipt]:
    """Who read and acknowledged an announcement (vendor staff)."""
    permissions.READ.ensure(user)
    return (
        AnnouncementReceipt.objects.filter(announcement=announcement)
        .select_related("user", "partner")
        .order_by("partner__name", "user__email", "id")
    )


@dataclass
class PartnerProgress:
    """One partner's users in an announcement's audience: how many read and
    acknowledged, and who has not acknowledged yet."""

    partner: Partner
    users: int = 0
    read: int = 0
    acknowledged: int = 0
    pending: list | None = None


def progress_by_partner(*, user, announcement: Announcement) -> list[PartnerProgress]:
    """Per partner of the audience: readers, reads, acknowledgements, and the users
    who have not acknowledged (three queries)."""
    permissions.READ.ensure(user)
    receipts = {
        receipt.user_id: receipt
        for receipt in AnnouncementReceipt.objects.filter(announcement=announcement)
    }
    rows: dict[int, PartnerProgress] = {}
    for membership in (
        audience_memberships(announcement.audience)
        .select_related("user", "partner")
        .order_by("partner__name", "partner_id", "user__email")
    ):
        row = rows.setdefault(
            membership.partner_id,
            PartnerProgress(partner=membership.partner, pending=[]),
        )
        receipt = receipts.get(membership.user_id)
        row.users += 1
        if receipt is not None and receipt.read_at is not None:
            row.read += 1
        if receipt is not None and receipt.acknowledged_at is not None:
            row.acknowledged += 1
        else:
            row.pending.append(membership.user)
    return list(rows.values())


# --- the portal and partner users of the API


def reader_for(*, user, partner_id: int | None = None) -> tuple[AudienceReader, int]:
    """A partner user of the API as a reader (``tenancy.selectors.membership_read_for``)
    and the partner's id."""
    membership = membership_read_for(user=user, partner_id=partner_id)
    return audience_reader(membership=membership), membership.partner_id


def announcements_for_reader(
    *, reader: AudienceReader, user, now: datetime | None = None
) -> QuerySet[Announcement]:
    """The live announcements the reader's audiences hold, pinned first then the
    newest, each with the user's own ``read_at`` and ``acknowledged_at``."""
    own = AnnouncementReceipt.objects.filter(announcement=OuterRef("pk"), user=user)
    return (
        Announcement.objects.filter(live_q(now) & audience_q(reader))
        .select_related("audience")
        .annotate(
            my_read_at=Subquery(own.values("read_at")[:1]),
            my_acknowledged_at=Subquery(own.values("acknowledged_at")[:1]),
        )
        .order_by("-is_pinned", "-publish_at", "-id")
    )


def announcements_for_home(
    *, reader: AudienceReader, user, count: int = HOME_COUNT
) -> list[Announcement]:
    """The newest announcements for the portal home: those the user still has to
    acknowledge first, then the newest (pinned or not)."""
    return list(
        announcements_for_reader(reader=reader, user=user)
        .annotate(
            must_acknowledge=Case(
                When(
                    requires_acknowledgement=True,
                    my_acknowledged_at__isnull=True,
                    then=Value(1),
                ),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-must_acknowledge", "-publish_at", "-id")[:count]
    )


def announcement_for_reader(*, reader: AudienceReader, user, public_id) -> Announcement:
    """One live announcement the reader's audiences hold; any other is not found."""
    try:
        return announcements_for_reader(reader=reader, user=user).get(
            public_id=public_id
        )
    except (Announcement.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def announcements_due_to_announce(*, now: datetime) -> QuerySet[Announcement]:
    """Live announcements whose publication was not yet announced (the sweep)."""
    return (
        Announcement.objects.filter(live_q(now), notified_at__isnull=True)
        .select_related("audience")
        .order_by("publish_at", "id")
    )


def announcements_due_for_reminders(*, now: datetime, before: datetime):
    """Live announcements requiring acknowledgement, announced before ``before``."""
    return (
        Announcement.objects.filter(
            live_q(now), requires_acknowledgement=True, notified_at__lte=before
        )
        .select_related("audience")
        .order_by("notified_at", "id")
    )
