from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Recruitment campaigns: templated emails to a segment or list of prospects,
    sent by the worker at a rate limit, with tracked links, unsubscribes and a
    funnel.
    """

    name = "openprm.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from openprm.campaigns import subscribers  # noqa: F401  (registers them)
        from openprm.core.navigation import CONSOLE, NavItem
        from openprm.notifications import kinds

        kinds.register("campaign.sent", _("A campaign I scheduled was sent"))
        CONSOLE.append(
            NavItem(
                _("Campaigns"),
                "console:campaign_list",
                active_prefix="console:campaign",
                order=26,
            )
        )
