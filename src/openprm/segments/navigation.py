from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, PARTNERS, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Segments"),
        "console:segment_list",
        active_prefix="console:segment",
        # After programmes, before the administration pages.
        order=25,
        section=PARTNERS,
    ),
)
