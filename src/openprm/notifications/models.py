"""Models of notifications: in-app notifications, email preferences and the
emails waiting for the worker."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.db import OrderIndex
from openprm.core.models import TimeStampedModel


class Notification(models.Model):
    """Something a user was told in the app (and, unless switched off, by email)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=100)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        indexes = [
            # The list's order (``selectors.notification_list_for``: unread
            # first, then newest first) on both databases, and the unread badge.
            OrderIndex(
                F("recipient"),
                F("read_at").asc(nulls_first=True),
                F("created_at").desc(),
                F("id").desc(),
                name="notif_recipient_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(TimeStampedModel):
    """Whether a user receives the emails of one kind (no row: they do)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=100)
    email_enabled = models.BooleanField(_("email"), default=True)

    class Meta:
        ordering = ["user_id", "kind"]
        verbose_name = _("notification preference")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notifications_preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.email_enabled}"


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingEmail(TimeStampedModel):
    """One email for the worker to send: a notification's copy or a message to
    someone without an account (an applicant).

    The worker claims it (pending -> sending) in one conditional UPDATE before
    sending, so two workers never send it twice.
    """

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    kind = models.CharField(_("kind"), max_length=100)
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EmailStatus.choices,
        default=EmailStatus.PENDING,
    )
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing email")
        indexes = [
            models.Index(fields=["status", "created_at"], name="notif_email_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
