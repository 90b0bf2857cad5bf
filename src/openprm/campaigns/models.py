"""Models of recruitment campaigns."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openprm.campaigns.choices import CampaignStatus, RecipientStatus
from openprm.core.models import TimeStampedModel


def new_recipient_token() -> str:
    return secrets.token_urlsafe(16)


class Campaign(TimeStampedModel):
    """An email to the prospects of a segment or static list inviting them to
    apply to a programme, sent by the worker at a rate limit."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    segment = models.ForeignKey(
        "segments.Segment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("segment or list"),
    )
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("programme"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    # Plain text with the merge fields of merge.py; never a Django template.
    body = models.TextField(_("message"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CampaignStatus.choices,
        default=CampaignStatus.DRAFT,
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # The site address the links in the emails point to, taken when scheduled.
    base_url = models.CharField(_("site address"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("campaign")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CampaignStatus.values),
                name="campaigns_campaign_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "send_at"], name="campaigns_due_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status == CampaignStatus.DRAFT


class CampaignRecipient(models.Model):
    """One prospect's copy of a campaign: its send state (so a restarted worker
    never sends it twice) and what the prospect did with it."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="recipients"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = models.EmailField(_("email"))
    company = models.CharField(_("company"), max_length=200)
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    # The value of ``c`` in the tracked link; the application form carries it on.
    token = models.CharField(
        max_length=40, unique=True, default=new_recipient_token, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RecipientStatus.choices,
        default=RecipientStatus.PENDING,
    )
    error = models.TextField(_("error"), blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "id"]
        verbose_name = _("campaign recipient")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "email"], name="campaigns_recipient_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RecipientStatus.values),
                name="campaigns_recipient_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "status"], name="campaigns_recipient_state_idx"
            ),
            # A campaign's recipients by company (its page): the page's keys from
            # the index, no sort.
            models.Index(
                fields=["campaign", "company", "id"],
                name="campaigns_recipient_co_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} <{self.email}>"


class Suppression(models.Model):
    """An address that unsubscribed: no later campaign writes to it."""

    email = models.EmailField(_("email"), unique=True)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unsubscribed from"),
    )
    created_at = models.DateTimeField(_("unsubscribed at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("unsubscribed address")

    def __str__(self) -> str:
        return self.email
