from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    AGREEMENT = "agreement", _("Accept the agreement")
    PROFILE_FIELDS = "profile_fields", _("Complete profile fields")
    DOCUMENT = "document", _("Upload a document")
    INVITE_COLLEAGUES = "invite_colleagues", _("Invite colleagues")
    # Fulfilled by the enablement capability's ``course.completed`` event.
    COURSE = "course", _("Complete a course")
    MANUAL = "manual", _("Signed off by the channel manager")
