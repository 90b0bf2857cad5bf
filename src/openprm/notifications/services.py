"""Every write of notifications.

Other apps call :func:`notify` to tell users something (in the app, and by email
unless they switched that kind off) and :func:`send_email` to write to someone
without an account. Emails are sent by the worker after the caller's transaction
commits: a rolled-back action sends nothing.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit
from openprm.core.errors import ValidationFailed
from openprm.notifications import kinds
from openprm.notifications.models import (
    Notification,
    NotificationPreference,
    OutgoingEmail,
)
from openprm.notifications.selectors import email_disabled_kinds
from openprm.notifications.tasks import enqueue_after_commit


def absolute_url(url: str) -> str:
    """A link as an email can carry it: relative paths joined to OPENPRM_SITE_URL."""
    if not url or "://" in url:
        return url
    base = getattr(settings, "OPENPRM_SITE_URL", "")
    return base.rstrip("/") + url if base else url


def _email_body(body: str, url: str) -> str:
    link = absolute_url(url)
    return f"{body}\n\n{link}\n" if link else body


@transaction.atomic
def notify(
    *,
    recipients: Iterable,
    kind: str,
    subject: str,
    body: str,
    url: str = "",
    required: bool = False,
) -> list[Notification]:
    """Tell each user in the app and, unless they switched the kind off (and it
    is not required), by email. ``kind`` must be registered (see kinds.py)."""
    definition = kinds.get(kind)
    required = required or definition.required
    users = list({user.pk: user for user in recipients if user is not None}.values())
    if not users:
        return []
    now = timezone.now()
    subject = str(subject)[:200]
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                subject=subject,
                body=str(body),
                url=url,
                created_at=now,
            )
            for user in users
        ]
    )
    disabled = (
        set() if required else email_disabled_kinds(user_ids=[u.pk for u in users])
    )
    emails = OutgoingEmail.objects.bulk_create(
        [
            OutgoingEmail(
                to=notification.recipient.email,
                subject=subject,
                body=_email_body(str(body), url),
                kind=kind,
                notification=notification,
            )
            for notification in notifications
            if notification.recipient.email
            and notification.recipient.is_active
            and (notification.recipient_id, kind) not in disabled
        ]
    )
    enqueue_after_commit([email.pk for email in emails])
    return notifications


@transaction.atomic
def send_email(*, to: str, subject: str, body: str, kind: str) -> OutgoingEmail:
    """Email an address that belongs to no user (an applicant); sent by the worker
    after commit. ``kind`` labels the message (no preferences apply)."""
    email = OutgoingEmail.objects.create(
        to=to, subject=str(subject)[:200], body=str(body), kind=kind
    )
    enqueue_after_commit([email.pk])
    return email


def notification_mark_read(*, user, notification: Notification) -> Notification:
    """Mark one of the user's own notifications read (the first reading counts)."""
    if notification.recipient_id != user.pk:
        raise ValidationFailed(_("This is not your notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_settle(
    *, url: str, kinds: Sequence[str], keep_user_ids: Iterable[int] = ()
) -> int:
    """Mark read the unread notifications of ``kinds`` that point at ``url``, but
    those of ``keep_user_ids``: what they asked for (an application to review) is
    no longer their recipients' to do, so it must not wait among their unread
    notifications after it left their queue. Returns how many."""
    return (
        Notification.objects.filter(url=url, kind__in=list(kinds), read_at__isnull=True)
        .exclude(recipient_id__in=list(keep_user_ids))
        .update(read_at=timezone.now())
    )


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; return how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preference_set(
    *, user, kind: str, email_enabled: bool
) -> NotificationPreference:
    """Switch the email of one kind on or off for the user (required kinds stay on)."""
    try:
        definition = kinds.get(kind)
    except LookupError:
        raise ValidationFailed(
            field_errors={"kind": [str(_("Unknown notification kind."))]}
        ) from None
    if definition.required and not email_enabled:
        raise ValidationFailed(
            field_errors={
                "kind": [str(_("This email is required and cannot be switched off."))]
            }
        )
    try:
        with transaction.atomic():
            preference, created = NotificationPreference.objects.get_or_create(
                user=user, kind=kind, defaults={"email_enabled": email_enabled}
            )
    except IntegrityError:  # created at the same moment by another request
        preference, created = (
            NotificationPreference.objects.get(user=user, kind=kind),
            False,
        )
    if created:
        audit.record_create(
            actor=user,
            instance=preference,
            fields=["kind", "email_enabled"],
            verb="notification.preference_set",
        )
        return preference
    before = audit.snapshot(preference, ["email_enabled"])
    preference.email_enabled = email_enabled
    if audit.record_change(
        actor=user,
        instance=preference,
        before=before,
        verb="notification.preference_set",
    ):
        preference.save(update_fields=["email_enabled", "updated_at"])
    return preference
