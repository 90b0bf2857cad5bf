from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Programmes, their tiers, requirements and benefits, and partners' enrolments."""

    name = "openprm.programs"
    label = "programs"
    verbose_name = _("Programmes")
