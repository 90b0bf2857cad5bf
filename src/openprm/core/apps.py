from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

DISCOVERED_MODULES = ("tasks", "subscribers", "notices", "navigation")


class CoreConfig(AppConfig):
    name = "openprm.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Every app's conventional modules register themselves when imported: its
        # periodic sweeps (tasks.py), event subscribers (subscribers.py),
        # notification kinds (notices.py) and navigation items (navigation.py).
        autodiscover_modules(*DISCOVERED_MODULES)
