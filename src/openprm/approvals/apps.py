from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """One approval engine for every app: chains of steps chosen by rules, approvers
    and queues, business-day SLAs, delegation and the history of each request."""

    name = "openprm.approvals"
    label = "approvals"
    verbose_name = _("Approvals")
