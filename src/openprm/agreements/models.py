"""Models of agreements: versioned programme terms and the record of each acceptance."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel


class AgreementDocument(TimeStampedModel):
    """The terms of one programme, of which each published version is kept."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.OneToOneField(
        "programs.Programme", on_delete=models.CASCADE, related_name="agreement"
    )
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("agreement")

    def __str__(self) -> str:
        return self.title


class AgreementVersion(TimeStampedModel):
    """One published text of an agreement; versions are never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        AgreementDocument, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    # Partners that accepted an earlier version must accept this one by then.
    accept_by = models.DateTimeField(_("accept by"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["document_id", "-number"]
        verbose_name = _("agreement version")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="agreements_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.title} v{self.number}"


class AgreementAcceptance(PartnerOwnedModel, TimeStampedModel):
    """The record that a partner accepted one version: who, when, from where, and a
    SHA-256 of the exact text they were shown."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user_email = models.EmailField(_("account"), blank=True)
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    text_sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("agreement acceptance")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "version"], name="agreements_acceptance_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} accepted by {self.name}"


class AgreementReminder(PartnerOwnedModel):
    """That a partner was reminded to accept a version (once per version)."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="reminders"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "version"], name="agreements_reminder_unique"
            ),
        ]
