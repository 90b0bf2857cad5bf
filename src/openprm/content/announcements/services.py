"""Writes of announcements: write and publish them (channel marketing), announce them
to their audience once when they go live, record each reader's reading and
acknowledgement, and remind those who have not acknowledged a required one.

The body is sanitised here, on every save (``core.sanitise``); pages render it
as it is stored.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.content import permissions
from openprm.content.announcements import selectors
from openprm.content.announcements.choices import AnnouncementStatus
from openprm.content.choices import ActivityKind
from openprm.content.models import Announcement, AnnouncementReceipt, ContentActivity
from openprm.core import audit, events
from openprm.core.errors import Conflict, ValidationFailed
from openprm.core.sanitise import clean_html, plain_text
from openprm.notifications.services import notify
from openprm.segments.models import Audience

# Announced by notification and email when it goes live; reminded when it must be
# acknowledged (both registered in notices.py; readers may switch the email off).
PUBLISHED_KIND = "content.announcement_published"
REMINDER_KIND = "content.announcement_reminder"
EDITABLE_FIELDS = [
    "title",
    "body",
    "audience",
    "is_pinned",
    "publish_at",
    "expires_at",
    "requires_acknowledgement",
    "sends_notification",
]
EXCERPT_LENGTH = 500


def announcement_payload(announcement: Announcement) -> dict:
    return {
        "id": str(announcement.public_id),
        "title": announcement.title,
        "audience": str(announcement.audience.public_id),
        "is_pinned": announcement.is_pinned,
        "publish_at": _iso(announcement.publish_at),
        "expires_at": _iso(announcement.expires_at),
        "requires_acknowledgement": announcement.requires_acknowledgement,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _checked(
    *,
    title: str,
    body: str,
    audience: Audience | None,
    publish_at: datetime | None,
    expires_at: datetime | None,
) -> tuple[str, str]:
    """The title and the sanitised body, or the problems by field."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    cleaned = clean_html(body)
    if not title:
        errors["title"] = [str(_("Give it a title."))]
    elif len(title) > 200:
        errors["title"] = [str(_("Use at most 200 characters."))]
    if not plain_text(cleaned) and "<img" not in cleaned:
        errors["body"] = [str(_("Write something (scripts and styles are removed)."))]
    if audience is None:
        errors["audience"] = [str(_("Choose who it is for."))]
    elif not audience.is_active:
        errors["audience"] = [str(_("This audience is switched off."))]
    if publish_at and expires_at and expires_at <= publish_at:
        errors["expires_at"] = [str(_("It must expire after it is published."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return title, cleaned


@transaction.atomic
def announcement_create(
    *,
    actor,
    title: str,
    body: str,
    audience: Audience | None,
    is_pinned: bool = False,
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    requires_acknowledgement: bool = False,
    sends_notification: bool = True,
) -> Announcement:
    """Write an announcement: a draft without ``publish_at``, scheduled with a future
    one, announced to its audience at once when it is already due."""
    permissions.MANAGE.ensure(actor)
    title, body = _checked(
        title=title,
        body=body,
        audience=audience,
        publish_at=publish_at,
        expires_at=expires_at,
    )
    announcement = Announcement.objects.create(
        title=title,
        body=body,
        audience=audience,
        is_pinned=is_pinned,
        publish_at=publish_at,
        expires_at=expires_at,
        requires_acknowledgement=requires_acknowledgement,
        sends_notification=sends_notification,
        author=actor,
    )
    audit.record_create(
        actor=actor,
        instance=announcement,
        fields=EDITABLE_FIELDS,
        verb="announcement.created",
    )
    _announce_if_due(announcement, actor=actor)
    return announcement


@transaction.atomic
def announcement_update(
    *, actor, announcement: Announcement, **changes
) -> Announcement:
    """Change any of :data:`EDITABLE_FIELDS`; announced at once when that makes it
    due and it was never announced (an announcement goes out once)."""
    permissions.MANAGE.ensure(actor)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            field_errors={name: [str(_("Unknown field."))] for name in sorted(unknown)}
        )
    values = {name: getattr(announcement, name) for name in EDITABLE_FIELDS}
    values.update(changes)
    title, body = _checked(
        title=values["title"],
        body=values["body"],
        audience=values["audience"],
        publish_at=values["publish_at"],
        expires_at=values["expires_at"],
    )
    values.update(title=title, body=body)
    before = audit.snapshot(announcement, EDITABLE_FIELDS)
    for name, value in values.items():
        setattr(announcement, name, value)
    if audit.record_change(
        actor=actor,
        instance=announcement,
        before=before,
        verb="announcement.updated",
    ):
        announcement.save(update_fields=[*EDITABLE_FIELDS, "updated_at"])
    _announce_if_due(announcement, actor=actor)
    return announcement


@transaction.atomic
def announcement_publish(*, actor, announcement: Announcement) -> Announcement:
    """Publish now (a draft or a scheduled announcement) and announce it."""
    permissions.MANAGE.ensure(actor)
    now = timezone.now()
    if selectors.status_of(announcement, now) == AnnouncementStatus.EXPIRED:
        raise Conflict(_("This announcement has expired; change its expiry first."))
    if announcement.publish_at is None or announcement.publish_at > now:
        before = audit.snapshot(announcement, ["publish_at"])
        announcement.publish_at = now
        announcement.save(update_fields=["publish_at", "updated_at"])
        audit.record_change(
            actor=actor,
            instance=announcement,
            before=before,
            verb="announcement.published",
        )
    _announce_if_due(announcement, actor=actor, now=now)
    return announcement


def _announce_if_due(announcement: Announcement, *, actor, now=None) -> bool:
    now = now or timezone.now()
    if selectors.status_of(announcement, now) != AnnouncementStatus.LIVE:
        return False
    return announcement_announce(announcement=announcement, actor=actor, now=now)


def excerpt(announcement: Announcement, length: int = EXCERPT_LENGTH) -> str:
    """The start of the body as plain text (an email's body, a list's summary)."""
    text = plain_text(announcement.body)
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return text


def _portal_url(announcement: Announcement) -> str:
    return reverse("portal:announcement", args=[announcement.public_id])


def _readers(announcement: Announcement) -> list:
    """Each user of the audience once (the first organisation by name)."""
    users = {}
    for membership in (
        selectors.audience_memberships(announcement.audience)
        .select_related("user", "partner")
        .order_by("partner__name", "partner_id", "user_id")
    ):
        users.setdefault(membership.user_id, membership)
    return list(users.values())


@transaction.atomic
def announcement_announce(
    *, announcement: Announcement, actor=None, now: datetime | None = None
) -> bool:
    """Mark a live announcement announced, once (``notified_at``), emit
    ``announcement.published`` and, when it notifies, tell each user of its audience
    in the app and by email (unless they switched that email off). False when it
    was announced already."""
    now = now or timezone.now()
    claimed = Announcement.objects.filter(
        pk=announcement.pk, notified_at__isnull=True
    ).update(notified_at=now)
    if not claimed:  # announced already, perhaps by the sweep meanwhile
        return False
    announcement.notified_at = now
    events.emit(
        "announcement.published",
        payload=announcement_payload(announcement),
        actor=actor,
    )
    if announcement.sends_notification:
        body = excerpt(announcement)
        if announcement.requires_acknowledgement:
            body = "{}\n\n{}".format(body, _("Please read and acknowledge it."))
        notify(
            recipients=[membership.user for membership in _readers(announcement)],
            kind=PUBLISHED_KIND,
            subject=announcement.title,
            body=body,
            url=_portal_url(announcement),
        )
    return True


def announcements_announce_due(*, now: datetime | None = None) -> int:
    """The sweep: announce every scheduled announcement that went live."""
    now = now or timezone.now()
    return sum(
        announcement_announce(announcement=announcement, now=now)
        for announcement in selectors.announcements_due_to_announce(now=now)
    )


def _receipt(*, announcement, user, partner_id: int) -> AnnouncementReceipt:
    try:
        with transaction.atomic():
            return AnnouncementReceipt.objects.get_or_create(
                announcement=announcement,
                user=user,
                defaults={"partner_id": partner_id},
            )[0]
    except IntegrityError:  # made by a parallel request
        return AnnouncementReceipt.objects.get(announcement=announcement, user=user)


@transaction.atomic
def announcement_read(
    *, actor, partner_id: int, announcement: Announcement
) -> AnnouncementReceipt:
    """Record the user's first reading (``read_at`` and the engagement record).
    The announcement is one the reader may see (the caller looked it up so)."""
    receipt = _receipt(announcement=announcement, user=actor, partner_id=partner_id)
    if receipt.read_at is not None:
        return receipt
    now = timezone.now()
    if AnnouncementReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(
        read_at=now
    ):
        receipt.read_at = now
        ContentActivity.objects.create(
            partner_id=partner_id,
            user=actor,
            kind=ActivityKind.ANNOUNCEMENT_READ,
            announcement=announcement,
            occurred_at=now,
        )
    return receipt


@transaction.atomic
def announcement_acknowledge(
    *, actor, partner_id: int, announcement: Announcement
) -> AnnouncementReceipt:
    """Acknowledge an announcement that asks for it, for the organisation the user
    reads for; acknowledging again changes nothing."""
    if not announcement.requires_acknowledgement:
        raise Conflict(_("This announcement does not ask for an acknowledgement."))
    receipt = _receipt(announcement=announcement, user=actor, partner_id=partner_id)
    if receipt.acknowledged_at is not None:
        return receipt
    now = timezone.now()
    before = audit.snapshot(receipt, ["read_at", "acknowledged_at"])
    claimed = AnnouncementReceipt.objects.filter(
        pk=receipt.pk, acknowledged_at__isnull=True
    ).update(acknowledged_at=now, read_at=receipt.read_at or now)
    if not claimed:
        receipt.refresh_from_db()
        return receipt
    receipt.acknowledged_at = now
    receipt.read_at = receipt.read_at or now
    audit.record_change(
        actor=actor,
        instance=receipt,
        before=before,
        verb="announcement.acknowledged",
    )
    events.emit(
        "announcement.acknowledged",
        payload={
            "announcement": str(announcement.public_id),
            "title": announcement.title,
            "partner": receipt.partner_id,
            "user": str(actor.public_id),
            "acknowledged_at": now.isoformat(),
        },
        actor=actor,
        partner_id=receipt.partner_id,
    )
    ContentActivity.objects.create(
        partner_id=receipt.partner_id,
        user=actor,
        kind=ActivityKind.ANNOUNCEMENT_ACKNOWLEDGED,
        announcement=announcement,
        occurred_at=now,
    )
    return receipt


def announcements_remind(*, now: datetime | None = None) -> int:
    """The sweep: remind each user of a required announcement's audience who has
    not acknowledged it, once it has been out OPENPRM_ANNOUNCEMENT_REMINDER_DAYS
    and again each such period (``reminded_at``). Returns how many were reminded."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.OPENPRM_ANNOUNCEMENT_REMINDER_DAYS)
    reminded = 0
    for announcement in selectors.announcements_due_for_reminders(
        now=now, before=before
    ):
        reminded += _remind(announcement, now=now, before=before)
    return reminded


@transaction.atomic
def _remind(announcement: Announcement, *, now: datetime, before: datetime) -> int:
    receipts = {
        receipt.user_id: receipt
        for receipt in AnnouncementReceipt.objects.select_for_update().filter(
            announcement=announcement
        )
    }
    new, due = [], []
    recipients = []
    for membership in _readers(announcement):
        receipt = receipts.get(membership.user_id)
        if receipt is None:
            new.append(
                AnnouncementReceipt(
                    announcement=announcement,
                    user_id=membership.user_id,
                    partner_id=membership.partner_id,
                    reminded_at=now,
                )
            )
        elif receipt.acknowledged_at is not None or (
            receipt.reminded_at is not None and receipt.reminded_at > before
        ):
            continue
        else:
            due.append(receipt.pk)
        recipients.append(membership.user)
    if not recipients:
        return 0
    # A receipt made meanwhile (the user opened it) wins; they are reminded anyway.
    AnnouncementReceipt.objects.bulk_create(new, ignore_conflicts=True)
    AnnouncementReceipt.objects.filter(pk__in=due).update(reminded_at=now)
    notify(
        recipients=recipients,
        kind=REMINDER_KIND,
        subject=_("Reminder: %(title)s") % {"title": announcement.title},
        body=_("Please read and acknowledge this announcement."),
        url=_portal_url(announcement),
    )
    return len(recipients)
