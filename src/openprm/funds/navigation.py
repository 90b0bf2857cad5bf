from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    INCENTIVES,
    PORTAL_AREA,
    NavItem,
    register,
)

register(
    CONSOLE_AREA,
    NavItem(
        _("Budgets"),
        "console:fund_overview",
        active_prefix="console:fund_budget",
        order=60,
        section=INCENTIVES,
    ),
    NavItem(
        _("Fund requests"),
        "console:fund_requests",
        active_prefix="console:fund_request",
        order=61,
        section=INCENTIVES,
    ),
    NavItem(
        _("Fund payouts"),
        "console:fund_payouts",
        active_prefix="console:fund_payout",
        order=62,
        section=INCENTIVES,
    ),
    NavItem(
        _("Fund reports"),
        "console:fund_reports",
        active_prefix="console:fund_report",
        order=63,
        section=INCENTIVES,
    ),
)
register(
    PORTAL_AREA,
    NavItem(_("Funds"), "portal:funds", active_prefix="portal:fund", order=50),
)
