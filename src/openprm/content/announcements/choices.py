from django.db import models
from django.utils.translation import gettext_lazy as _


class AnnouncementStatus(models.TextChoices):
    """Where an announcement stands; derived from its dates, never stored."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    LIVE = "live", _("Live")
    EXPIRED = "expired", _("Expired")
