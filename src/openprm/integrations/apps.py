from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    """Webhooks, CRM sync, import and export: how other systems meet OpenPRM."""

    name = "openprm.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from openprm.core.navigation import CONSOLE, NavItem

        # Registers the webhooks subscriber of the event outbox.
        from openprm.integrations.webhooks import dispatch  # noqa: F401

        CONSOLE.append(
            NavItem(
                _("Webhooks"),
                "console:webhook_list",
                active_prefix="console:webhook",
                visible=_manages_webhooks,
                # An administration page: after the console's Audit trail and
                # Events (80), before Users (100).
                order=90,
            )
        )


def _manages_webhooks(request) -> bool:
    from openprm.integrations.webhooks.selectors import can_manage_webhooks

    return can_manage_webhooks(request.user)
