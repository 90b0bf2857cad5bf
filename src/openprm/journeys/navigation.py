from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    PORTAL_AREA,
    RECRUITMENT,
    NavItem,
    register,
)


def _onboarding(request) -> bool:
    partner = getattr(request, "partner", None)
    return partner is not None and partner.status != "active"


def _active(request) -> bool:
    partner = getattr(request, "partner", None)
    return partner is not None and partner.status == "active"


register(
    CONSOLE_AREA,
    NavItem(
        _("Onboarding journeys"),
        "console:journeys",
        active_prefix="console:journey",
        order=23,
        section=RECRUITMENT,
    ),
)
# Partners still onboarding see their checklist; active partners see the partner
# resources the checklist unlocked.
register(
    PORTAL_AREA,
    NavItem(
        _("Onboarding"),
        "portal:journeys",
        active_prefix="portal:journey",
        visible=_onboarding,
        order=5,
    ),
    NavItem(
        _("Partner resources"),
        "portal:journeys_resources",
        active_prefix="portal:journeys_resources",
        visible=_active,
        order=24,
    ),
)
