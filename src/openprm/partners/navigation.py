from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import (
    CONSOLE_AREA,
    PARTNERS,
    PORTAL_AREA,
    SETTINGS,
    NavItem,
    register,
)
from openprm.partners import permissions


def _defines_fields(request) -> bool:
    return permissions.DEFINE_FIELDS.allows(request.user)


def _merges(request) -> bool:
    return permissions.MERGE.allows(request.user)


register(
    CONSOLE_AREA,
    NavItem(
        _("Duplicates"),
        "console:partner_duplicates",
        active_prefix="console:partner_duplicates",
        visible=_merges,
        order=84,
        section=PARTNERS,
    ),
    NavItem(
        _("Custom fields"),
        "console:custom_field_list",
        active_prefix="console:custom_field",
        visible=_defines_fields,
        # After the kernel's settings pages (audit trail, events, exchange rates).
        order=86,
        section=SETTINGS,
    ),
)
register(
    PORTAL_AREA,
    NavItem(
        _("Organisation"),
        "portal:organisation",
        active_prefix="portal:organisation",
        order=10,
    ),
)
