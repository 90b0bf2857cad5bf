from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    """Programmes, their tiers, requirements and benefits, and partners' enrolments."""

    name = "openprm.programs"
    label = "programs"
    verbose_name = _("Programmes")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, PORTAL, NavItem

        CONSOLE.append(
            NavItem(
                _("Programmes"),
                "console:programme_list",
                active_prefix="console:programme",
                # After the partner directory, before the administration pages.
                order=20,
            )
        )
        PORTAL.append(
            NavItem(
                _("Programme"),
                "portal:programme",
                active_prefix="portal:programme",
                order=20,
            )
        )
