from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, RECRUITMENT, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Applications"),
        "console:application_queue",
        active_prefix="console:application",
        order=25,
        section=RECRUITMENT,
    ),
)
