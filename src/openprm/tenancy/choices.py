from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerRole(models.TextChoices):
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    TECHNICAL = "technical", _("Technical")
    FINANCE = "finance", _("Finance")
    LEARNER = "learner", _("Learner")


class InvitationStatus(models.TextChoices):
    """Where an invitation stands; derived from its dates, never stored."""

    PENDING = "pending", _("Pending")
    EXPIRED = "expired", _("Expired")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")
