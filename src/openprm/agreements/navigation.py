from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    PORTAL_AREA,
    RECRUITMENT,
    NavItem,
    register,
)

register(
    CONSOLE_AREA,
    NavItem(
        _("Agreements"),
        "console:agreements",
        active_prefix="console:agreement",
        order=22,
        section=RECRUITMENT,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Agreements"),
        "portal:agreements",
        active_prefix="portal:agreement",
        order=22,
    ),
)
