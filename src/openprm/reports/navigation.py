"""The scheduled reports' navigation item."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, INSIGHTS, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Scheduled reports"),
        "console:scheduled_reports",
        active_prefix="console:scheduled_report",
        order=80,
        section=INSIGHTS,
    ),
)
