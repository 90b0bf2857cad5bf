from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, PARTNERS, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Scorecards"),
        "console:scorecard_list",
        active_prefix="console:scor",
        # After the programmes.
        order=25,
        section=PARTNERS,
    ),
)
