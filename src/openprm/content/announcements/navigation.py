"""Navigation items of announcements (registered by the app's navigation module)."""

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
        _("Announcements"),
        "console:announcements",
        active_prefix="console:announcement",
        order=41,
        section=ENABLEMENT,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Announcements"),
        "portal:announcements",
        active_prefix="portal:announcement",
        order=6,
    ),
)
