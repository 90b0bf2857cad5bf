from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _sells(request) -> bool:
    """For the portal's navigation: the page's membership holds a deal role (the
    deal and pipeline pages refuse the other partner roles)."""
    from openprm.deals.selectors import DEAL_ROLES

    membership = getattr(request, "membership", None)
    return membership is not None and not set(membership.roles).isdisjoint(DEAL_ROLES)


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
        CONSOLE.append(
            NavItem(
                _("Pipeline"),
                "console:pipeline",
                active_prefix="console:pipeline",
                order=31,
            )
        )
        PORTAL.append(
            NavItem(
                _("Deals"),
                "portal:deal_list",
                active_prefix="portal:deal",
                visible=_sells,
                order=30,
            )
        )
        PORTAL.append(
            NavItem(
                _("Pipeline"),
                "portal:pipeline",
                active_prefix="portal:pipeline",
                visible=_sells,
                order=31,
            )
        )
