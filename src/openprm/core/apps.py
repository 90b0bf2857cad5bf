from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

# Each app's conventional modules, imported at start-up in this order: what it plugs
# into the layers below it (hooks.py), its periodic sweeps (tasks.py), event
# subscribers, notification kinds and navigation items.
DISCOVERED_MODULES = ("hooks", "tasks", "subscribers", "notices", "navigation")


class CoreConfig(AppConfig):
    name = "openprm.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        autodiscover_modules(*DISCOVERED_MODULES)
