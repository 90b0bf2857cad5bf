"""Co-branding's navigation items."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    ENABLEMENT,
    PORTAL_AREA,
    NavItem,
    register,
)

# Co-branding (the library and announcements parts add theirs beside it).
register(
    CONSOLE_AREA,
    NavItem(
        _("Co-branded assets"),
        "console:content_cobranding",
        active_prefix="console:content_cobranding",
        order=41,
        section=ENABLEMENT,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Co-branded assets"),
        "portal:content_cobranded",
        active_prefix="portal:content_cobranded",
        order=41,
    ),
)
