from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    """Deal registration: partner-registered opportunities, conflict detection,
    review with an approval SLA, protection and expiry; pipeline stages and the
    forecast.
    """

    name = "openprm.deals"
    label = "deals"
    verbose_name = _("Deals")

    def ready(self) -> None:
        from openprm.deals.pipeline.services import restore_pipeline_triggers

        post_migrate.connect(
            restore_pipeline_triggers,
            sender=self,
            dispatch_uid="openprm.deals.pipeline_triggers",
        )
