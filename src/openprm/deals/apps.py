from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    """Deal registration: partner-registered opportunities, conflict detection,
    review with an approval SLA, protection and expiry; pipeline stages and the
    forecast.
    """

    name = "openprm.deals"
    label = "deals"
    verbose_name = _("Deals")
