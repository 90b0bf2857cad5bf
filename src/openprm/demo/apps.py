from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data: a deterministic ecosystem that every capability extends."""

    name = "openprm.demo"
    label = "demo"
    verbose_name = _("Demo data")
