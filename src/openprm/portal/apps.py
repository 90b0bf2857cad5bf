from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from openprm.tenancy.choices import PartnerRole

# Administration pages (audit trail, outbox) come after the area's everyday pages.
ADMIN_ITEMS_ORDER = 80


class PortalConfig(AppConfig):
    """The partner portal: the web interface of partner users."""

    name = "openprm.portal"
    label = "portal"
    verbose_name = _("Partner portal")

    def ready(self) -> None:
        from openprm.core.navigation import PORTAL, NavItem

        PORTAL.extend(
            [
                NavItem(_("Dashboard"), "portal:dashboard"),
                NavItem(
                    _("Audit trail"),
                    "portal:audit_list",
                    active_prefix="portal:audit",
                    visible=is_partner_admin,
                    order=ADMIN_ITEMS_ORDER,
                ),
            ]
        )


def is_partner_admin(request) -> bool:
    """Whether the membership the portal runs in (set by the portal guard) is an
    admin's."""
    membership = getattr(request, "membership", None)
    return membership is not None and PartnerRole.PARTNER_ADMIN in membership.roles
