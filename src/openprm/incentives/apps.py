from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    """Motivation and incentives: the product catalogue, sales data reported by
    partners, the points ledger and the rules that earn points."""

    name = "openprm.incentives"
    label = "incentives"
    verbose_name = _("Incentives")
