from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.core.navigation import CONSOLE_AREA, PARTNERS, SETTINGS, NavItem, register

# Administration pages (audit trail, outbox) come after the area's everyday pages.
ADMIN_ITEMS_ORDER = 80


def is_vendor_admin(request) -> bool:
    return request.user.vendor_role == VendorRole.VENDOR_ADMIN


register(
    CONSOLE_AREA,
    NavItem(_("Dashboard"), "console:dashboard"),
    NavItem(
        _("Partners"),
        "console:partner_list",
        active_prefix="console:partner",
        section=PARTNERS,
    ),
    NavItem(
        _("Audit trail"),
        "console:audit_list",
        active_prefix="console:audit",
        visible=is_vendor_admin,
        order=ADMIN_ITEMS_ORDER,
        section=SETTINGS,
    ),
    NavItem(
        _("Branding"),
        "console:branding",
        visible=is_vendor_admin,
        order=ADMIN_ITEMS_ORDER,
        section=SETTINGS,
    ),
    NavItem(
        _("Events"),
        "console:event_list",
        active_prefix="console:event",
        visible=is_vendor_admin,
        order=ADMIN_ITEMS_ORDER,
        section=SETTINGS,
    ),
)
