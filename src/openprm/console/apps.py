from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The channel console: the web interface of vendor staff."""

    name = "openprm.console"
    label = "console"
    verbose_name = _("Channel console")
