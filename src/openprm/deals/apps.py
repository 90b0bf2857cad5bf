from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    """Deal registration: partner-registered opportunities, conflict detection,
    review with an approval SLA, protection and expiry; pipeline stages and the
    forecast.
    """

    name = "openprm.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, PORTAL, NavItem
        from openprm.deals import notices

        notices.register_kinds()
        CONSOLE.append(
            NavItem(
                _("Deals"),
                "console:deal_queue",
                active_prefix="console:deal",
                order=30,
            )
        )
        PORTAL.append(
            NavItem(
                _("Deals"), "portal:deal_list", active_prefix="portal:deal", order=30
            )
        )
