from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole

# Administration pages (audit trail, outbox) come after the area's everyday pages.
ADMIN_ITEMS_ORDER = 80


class ConsoleConfig(AppConfig):
    """The channel console: the web interface of vendor staff."""

    name = "openprm.console"
    label = "console"
    verbose_name = _("Channel console")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, NavItem

        CONSOLE.extend(
            [
                NavItem(_("Dashboard"), "console:dashboard"),
                NavItem(
                    _("Partners"),
                    "console:partner_list",
                    active_prefix="console:partner",
                ),
                NavItem(
                    _("Audit trail"),
                    "console:audit_list",
                    active_prefix="console:audit",
                    visible=is_vendor_admin,
                    order=ADMIN_ITEMS_ORDER,
                ),
                NavItem(
                    _("Events"),
                    "console:event_list",
                    active_prefix="console:event",
                    visible=is_vendor_admin,
                    order=ADMIN_ITEMS_ORDER,
                ),
            ]
        )


def is_vendor_admin(request) -> bool:
    return request.user.vendor_role == VendorRole.VENDOR_ADMIN
