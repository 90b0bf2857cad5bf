from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import PORTAL_AREA, NavItem, register
from openprm.tenancy.web import is_partner_admin

# Administration pages (the audit trail) come after the area's everyday pages.
ADMIN_ITEMS_ORDER = 80


register(
    PORTAL_AREA,
    NavItem(_("Dashboard"), "portal:dashboard"),
    NavItem(
        _("Audit trail"),
        "portal:audit_list",
        active_prefix="portal:audit",
        visible=is_partner_admin,
        order=ADMIN_ITEMS_ORDER,
    ),
)
