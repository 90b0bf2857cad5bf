from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _onboarding(request) -> bool:
    partner = getattr(request, "partner", None)
    return partner is not None and partner.status != "active"


def _active(request) -> bool:
    partner = getattr(request, "partner", None)
    return partner is not None and partner.status == "active"


class JourneysConfig(AppConfig):
    """Onboarding journeys: per-programme task templates whose tasks complete
    themselves from events; activation when every required task is done.
    """

    name = "openprm.journeys"
    label = "journeys"
    verbose_name = _("Onboarding journeys")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, PORTAL, NavItem
        from openprm.journeys import subscribers  # noqa: F401  (registers them)
        from openprm.notifications import kinds

        kinds.register(
            "journeys.partner_activated", _("Your organisation became active")
        )
        CONSOLE.append(
            NavItem(
                _("Onboarding journeys"),
                "console:journeys",
                active_prefix="console:journey",
                order=23,
            )
        )
        # Partners still onboarding see their checklist; active partners see the
        # partner resources the checklist unlocked.
        PORTAL.append(
            NavItem(
                _("Onboarding"),
                "portal:journeys",
                active_prefix="portal:journey",
                visible=_onboarding,
                order=5,
            )
        )
        PORTAL.append(
            NavItem(
                _("Partner resources"),
                "portal:journeys_resources",
                active_prefix="portal:journeys_resources",
                visible=_active,
                order=24,
            )
        )
