"""The library's navigation items."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    ENABLEMENT,
    PORTAL_AREA,
    NavItem,
    register,
)

register(
    CONSOLE_AREA,
    NavItem(
        _("Library"),
        "console:library",
        active_prefix="console:library",
        order=40,
        section=ENABLEMENT,
    ),
)
register(
    PORTAL_AREA,
    NavItem(_("Library"), "portal:library", active_prefix="portal:library", order=40),
)
