from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The channel console: the web interface of vendor staff."""

    name = "openprm.console"
    label = "console"
    verbose_name = _("Channel console")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, NavItem

        CONSOLE.extend(
            [
                NavItem(_("Dashboard"), "console:dashboard"),
                NavItem(
                    _("Partners"),
                    "console:partner_list",
                    active_prefix="console:partner",
                ),
            ]
        )
