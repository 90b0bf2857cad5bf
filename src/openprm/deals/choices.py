from django.db import models
from django.utils.translation import gettext_lazy as _


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class DealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    MORE_INFO_REQUESTED = "more_info_requested", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


# Waiting for the vendor's decision (the review queue and its SLA).
IN_REVIEW = (DealStatus.SUBMITTED, DealStatus.MORE_INFO_REQUESTED)
# Registrations that still claim the customer (a conflict for a new one).
LIVE = (DealStatus.SUBMITTED, DealStatus.MORE_INFO_REQUESTED, DealStatus.APPROVED)
CLOSED = (DealStatus.WON, DealStatus.LOST, DealStatus.REJECTED, DealStatus.EXPIRED)


class NoteKind(models.TextChoices):
    INFO_REQUEST = "info_request", _("Information requested")
    ANSWER = "answer", _("Answer")
    NOTE = "note", _("Note")


class ExtensionStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AccountKind(models.TextChoices):
    ACCOUNT = "account", _("Account")
    OPPORTUNITY = "opportunity", _("Opportunity")
