from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    ENABLEMENT,
    PARTNERS,
    NavItem,
    register,
)

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
    # Who content, courses and incentives are for: with the content they target.
    NavItem(
        _("Audiences"),
        "console:audience_list",
        active_prefix="console:audience",
        order=60,
        section=ENABLEMENT,
    ),
)
