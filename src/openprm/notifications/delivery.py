"""Sending queued emails through Django's email backend, in the worker."""

import logging
from datetime import timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from openprm.core import branding
from openprm.notifications.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

# An email still pending after this long was not handed to the worker (the queue
# was down at commit); the sweep sends it.
STALE_AFTER = timedelta(minutes=1)
# Sent and failed emails are kept this long (to look into a complaint), then deleted.
KEEP_FOR = timedelta(days=30)


def branded_body(body: str, brand: branding.Brand) -> str:
    """The email's text signed with the vendor's name (the branding)."""
    return f"{body.rstrip()}\n\n-- \n{brand.name}\n"


def send_one(email_id: int) -> bool:
    """Send one pending email if no other worker has claimed it; True if sent."""
    claimed = OutgoingEmail.objects.filter(
        pk=email_id, status=EmailStatus.PENDING
    ).update(status=EmailStatus.SENDING, updated_at=timezone.now())
    if not claimed:
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    brand = branding.current()
    try:
        EmailMessage(
            subject=email.subject,
            body=branded_body(email.body, brand),
            from_email=formataddr(
                (brand.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
            ),
            to=[email.to],
        ).send()
    except Exception as error:  # an SMTP refusal, a connection error: recorded
        OutgoingEmail.objects.filter(pk=email_id).update(
            status=EmailStatus.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            updated_at=timezone.now(),
        )
        logger.warning("Email %s to %s failed: %s", email_id, email.to, error)
        return False
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=email_id).update(
        status=EmailStatus.SENT, sent_at=now, updated_at=now
    )
    return True


def send_stale(*, now=None, limit: int = 500) -> int:
    """Send emails left pending (their enqueue failed); return how many were sent."""
    now = now or timezone.now()
    ids = list(
        OutgoingEmail.objects.filter(
            status=EmailStatus.PENDING, created_at__lt=now - STALE_AFTER
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_one(email_id) for email_id in ids)


def prune(*, now=None) -> int:
    """Delete sent and failed emails older than KEEP_FOR; return how many."""
    now = now or timezone.now()
    deleted, _ = OutgoingEmail.objects.filter(
        status__in=[EmailStatus.SENT, EmailStatus.FAILED],
        updated_at__lt=now - KEEP_FOR,
    ).delete()
    return deleted
