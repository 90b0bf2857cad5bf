from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, SETTINGS, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Exchange rates"),
        "console:exchange_rate_list",
        active_prefix="console:exchange_rate",
        # An administration page, after the Audit trail and Events (80).
        order=85,
        section=SETTINGS,
    ),
)
