from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    # Claimed by a worker; if it dies here the row is never sent again (see sending.py).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    BOUNCED = "bounced", _("Bounced")
    SUPPRESSED = "suppressed", _("Unsubscribed")
    FAILED = "failed", _("Failed")
