from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Administration pages (audit trail, outbox) come after the area's everyday pages.
ADMIN_ITEMS_ORDER = 80


class PortalConfig(AppConfig):
    """The partner portal: the web interface of partner users."""

    name = "openprm.portal"
    label = "portal"
    verbose_name = _("Partner portal")

    def ready(self) -> None:
        from openprm.core.navigation import PORTAL, NavItem
        from openprm.tenancy.web import is_partner_admin

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
