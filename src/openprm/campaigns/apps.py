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
