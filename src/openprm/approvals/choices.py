from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (RequestStatus.IN_REVIEW, RequestStatus.INFO_REQUESTED)


class ActionKind(models.TextChoices):
    """One line of a request's history."""

    SUBMITTED = "submitted", _("Submitted")
    ROUTED = "routed", _("Routed")
    STEP_APPROVED = "step_approved", _("Step approved")
    INFO_REQUESTED = "info_requested", _("Information requested")
    INFO_ANSWERED = "info_answered", _("Information provided")
    REMINDED = "reminded", _("Reminder sent")
    ESCALATED = "escalated", _("Escalated")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class QueueView(models.TextChoices):
    """The views of the approvals page (the console's tabs and the API's ``view``)."""

    MINE = "mine", _("Waiting on me")
    OVERDUE = "overdue", _("Overdue")
    OPEN = "open", _("All open")
    DECIDED = "decided", _("Decided")
