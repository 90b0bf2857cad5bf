from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

# Each app's conventional modules, imported at start-up in this order: what it plugs
# into the layers below it (hooks.py), its periodic sweeps (tasks.py), event
# subscribers, notification kinds and navigation items.
DISCOVERED_MODULES = ("hooks", "tasks", "subscribers", "notices", "navigation")


def create_cache_table(*, using: str, **kwargs) -> None:
    """Create the database cache's table (settings.CACHES) if it is missing.

    After every ``migrate``, so that a fresh machine, a new database or a switch
    from Redis back to the database cache needs no extra command; Django's own
    ``createcachetable`` does nothing when the table exists or no cache is a
    database cache.
    """
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "openprm.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        autodiscover_modules(*DISCOVERED_MODULES)
        post_migrate.connect(
            create_cache_table, sender=self, dispatch_uid="openprm.cache_table"
        )
        from openprm.core.search import restore_search_triggers
        from openprm.core.triggers import keep_triggers, restore_kept_triggers

        keep_triggers("core.search", restore_search_triggers)

        post_migrate.connect(
            restore_kept_triggers, sender=self, dispatch_uid="openprm.kept_triggers"
        )
