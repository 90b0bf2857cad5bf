from django.db import models
from django.utils.translation import gettext_lazy as _


class LessonKind(models.TextChoices):
    TEXT = "text", _("Text")
    FILE = "file", _("File")
    LINK = "link", _("External link")
    SCORM = "scorm", _("SCORM package")
    QUIZ = "quiz", _("Quiz")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class EnrolmentSource(models.TextChoices):
    """How a learner came to a course or a path."""

    SELF = "self", _("By the learner")
    ADMIN = "admin", _("By their partner admin")
    PATH = "path", _("Through a learning path")
    AUDIENCE = "audience", _("Automatically, by audience")
