from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    """Lead distribution: vendor leads routed to partners by ordered rules, with
    capacity, an acceptance SLA, recall and reassignment.
    """

    name = "openprm.leads"
    label = "leads"
    verbose_name = _("Leads")
