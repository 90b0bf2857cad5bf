from django.db import models
from django.utils.translation import gettext_lazy as _

# The lines of an application's history are the approval engine's.
from openprm.approvals.choices import ActionKind  # noqa: F401


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    BOOLEAN = "boolean", _("Yes / no")


class ApplicationStatus(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


OPEN_STATUSES = (ApplicationStatus.IN_REVIEW, ApplicationStatus.INFO_REQUESTED)


class QueueView(models.TextChoices):
    """The views of the review queue (the console's tabs and the API's ``view``)."""

    MINE = "mine", _("My queue")
    DUE = "due", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    OPEN = "open", _("All open")
    DECIDED = "decided", _("Decided")
    ALL = "all", _("All")
