from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, RECRUITMENT, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Campaigns"),
        "console:campaign_list",
        active_prefix="console:campaign",
        order=26,
        section=RECRUITMENT,
    ),
)
