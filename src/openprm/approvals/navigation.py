from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, PARTNERS, NavItem, register

register(
    CONSOLE_AREA,
    NavItem(
        _("Approvals"),
        "console:approval_queue",
        active_prefix="console:approval",
        order=15,
        section=PARTNERS,
    ),
)
