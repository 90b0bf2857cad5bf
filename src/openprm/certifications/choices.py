from django.db import models
from django.utils.translation import gettext_lazy as _


class EarningKind(models.TextChoices):
    """What earns a certification."""

    PATH = "path", _("Completing a learning path")
    EXAM = "exam", _("Passing an exam")
    EXTERNAL = "external", _("An approved external certificate")


class HolderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class AwardSource(models.TextChoices):
    """How one award came about (the first one or a renewal)."""

    PATH = "path", _("Learning path")
    EXAM = "exam", _("Exam")
    EXTERNAL = "external", _("External certificate")
    RENEWAL = "renewal", _("Recertification")
    GRANT = "grant", _("Granted by the vendor")


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AccreditationStatus(models.TextChoices):
    HELD = "held", _("Held")
    LOST = "lost", _("Lost")
