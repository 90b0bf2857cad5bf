from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import PORTAL_AREA, NavItem, register
from openprm.partners.choices import PartnerType
from openprm.partners.permissions import READ_RESELLERS
from openprm.tenancy.web import is_partner_admin

# Administration pages (the audit trail) come after the area's everyday pages.
ADMIN_ITEMS_ORDER = 80


def is_distributor(request) -> bool:
    """The portal works for a distributor and the reader follows its resellers
    (read from the request's membership: no query)."""
    partner = getattr(request, "partner", None)
    membership = getattr(request, "membership", None)
    return (
        partner is not None
        and membership is not None
        and partner.partner_type == PartnerType.DISTRIBUTOR
        and READ_RESELLERS.allows_roles(partner_roles=membership.roles)
    )


register(
    PORTAL_AREA,
    NavItem(_("Dashboard"), "portal:dashboard"),
    NavItem(
        _("Resellers"),
        "portal:resellers",
        visible=is_distributor,
        order=5,
    ),
    NavItem(
        _("Audit trail"),
        "portal:audit_list",
        active_prefix="portal:audit",
        visible=is_partner_admin,
        order=ADMIN_ITEMS_ORDER,
    ),
)
