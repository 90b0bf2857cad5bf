from django.utils.translation import gettext_lazy as _

from openprm.core.navigation import CONSOLE_AREA, SETTINGS, NavItem, register
from openprm.integrations.permissions import MANAGE_CRM_SYNC, MANAGE_WEBHOOKS

register(
    CONSOLE_AREA,
    NavItem(
        _("Webhooks"),
        "console:webhook_list",
        active_prefix="console:webhook",
        visible=lambda request: MANAGE_WEBHOOKS.allows(request.user),
        # An administration page: after the console's Audit trail and Events (80),
        # before Users (100).
        order=90,
        section=SETTINGS,
    ),
)

register(
    CONSOLE_AREA,
    NavItem(
        _("CRM sync"),
        "console:crm_connection_list",
        active_prefix="console:crm_",
        visible=lambda request: MANAGE_CRM_SYNC.allows(request.user),
        order=91,
        section=SETTINGS,
    ),
)
