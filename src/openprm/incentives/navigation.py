"""Navigation items of incentives (found at start-up)."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    INCENTIVES,
    PORTAL_AREA,
    NavItem,
    register,
)

for label, name, prefix, order in (
    (_("Products"), "console:incentive_products", "console:incentive_product", 60),
    (_("Earning rules"), "console:incentive_rules", "console:incentive_rule", 61),
    (
        _("Points ledgers"),
        "console:incentive_accounts",
        "console:incentive_account",
        62,
    ),
    (_("Sales data"), "console:incentive_sales", "console:incentive_sales", 63),
    (_("Rewards"), "console:incentive_rewards", "console:incentive_reward", 64),
    (
        _("Leaderboard"),
        "console:incentive_leaderboard",
        "console:incentive_leaderboard",
        65,
    ),
):
    register(
        CONSOLE_AREA,
        NavItem(label, name, active_prefix=prefix, order=order, section=INCENTIVES),
    )
register(
    PORTAL_AREA,
    NavItem(
        _("My earnings"), "portal:earnings", active_prefix="portal:earnings", order=8
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Sales data"),
        "portal:incentive_sales",
        active_prefix="portal:incentive_sales",
        order=9,
    ),
)
register(
    PORTAL_AREA,
    NavItem(_("Rewards"), "portal:rewards", active_prefix="portal:reward", order=10),
)
