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
