from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    """Onboarding journeys: per-programme task templates whose tasks complete
    themselves from events; activation when every required task is done.
    """

    name = "openprm.journeys"
    label = "journeys"
    verbose_name = _("Onboarding journeys")
