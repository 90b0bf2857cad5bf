from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "openprm.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Import every app's tasks.py so that its periodic sweeps are registered.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")

        from openprm.core.navigation import CONSOLE, NavItem

        CONSOLE.append(
            NavItem(
                _("Exchange rates"),
                "console:exchange_rate_list",
                active_prefix="console:exchange_rate",
                # An administration page, after the Audit trail and Events (80).
                order=85,
            )
        )
