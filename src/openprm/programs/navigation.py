from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    PARTNERS,
    PORTAL_AREA,
    NavItem,
    register,
)

register(
    CONSOLE_AREA,
    NavItem(
        _("Programmes"),
        "console:programme_list",
        active_prefix="console:programme",
        # After the partner directory, before the administration pages.
        order=20,
        section=PARTNERS,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Programme"),
        "portal:programme",
        active_prefix="portal:programme",
        order=20,
    ),
)
