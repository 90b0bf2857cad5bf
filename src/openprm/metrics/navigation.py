"""The metrics' navigation items."""

from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, INSIGHTS, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Performance"),
        "console:metrics_dashboard",
        active_prefix="console:metrics_dashboard",
        order=10,
        section=INSIGHTS,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Rollup rebuilds"),
        "console:metrics_rebuilds",
        active_prefix="console:metrics_rebuild",
        order=90,
        section=INSIGHTS,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Tier reviews"),
        "console:tier_recommendations",
        active_prefix="console:tier",
        order=20,
        section=INSIGHTS,
    ),
)
register(
    CONSOLE_AREA,
    NavItem(
        _("Health scores"),
        "console:health_at_risk",
        active_prefix="console:health",
        order=15,
        section=INSIGHTS,
    ),
)
