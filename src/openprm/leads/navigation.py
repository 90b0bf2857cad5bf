from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    PORTAL_AREA,
    REVENUE,
    NavItem,
    register,
)

# After deals.
register(
    CONSOLE_AREA,
    NavItem(
        _("Leads"),
        "console:lead_list",
        active_prefix="console:lead",
        order=31,
        section=REVENUE,
    ),
)
register(
    PORTAL_AREA,
    NavItem(_("Leads"), "portal:lead_list", active_prefix="portal:lead", order=31),
)
