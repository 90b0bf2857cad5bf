from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    """Lead distribution: vendor leads routed to partners by ordered rules, with
    capacity, an acceptance SLA, recall and reassignment.
    """

    name = "openprm.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, PORTAL, NavItem

        # After deals.
        CONSOLE.append(
            NavItem(
                _("Leads"), "console:lead_list", active_prefix="console:lead", order=31
            )
        )
        PORTAL.append(
            NavItem(
                _("Leads"), "portal:lead_list", active_prefix="portal:lead", order=31
            )
        )
