from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Enablement: courses of modules and lessons (text, files, links, SCORM
    packages, quizzes) shown to audiences, enrolments and progress, learning paths."""

    name = "openprm.learning"
    label = "learning"
    verbose_name = _("Learning")
