from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    PORTAL_AREA,
    SETTINGS,
    NavItem,
    register,
)
from openprm.tenancy.permissions import is_vendor_admin
from openprm.tenancy.web import is_partner_admin

register(
    PORTAL_AREA,
    NavItem(
        _("Team"),
        "portal:team",
        active_prefix="portal:team",
        visible=is_partner_admin,
        order=100,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Users"),
        "console:user_list",
        active_prefix="console:user",
        visible=lambda request: is_vendor_admin(request.user),
        order=100,
        section=SETTINGS,
    ),
)
