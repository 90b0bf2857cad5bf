from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import PartnerRole
from openprm.core.navigation import PORTAL_AREA, NavItem, register

# Administration pages (the audit trail) come after the area's everyday pages.
ADMIN_ITEMS_ORDER = 80


def is_partner_admin(request) -> bool:
    """Whether the membership the portal works in is an admin's."""
    membership = getattr(request, "membership", None)
    return membership is not None and PartnerRole.PARTNER_ADMIN in membership.roles


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
