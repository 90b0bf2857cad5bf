from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    """Marketing funds (MDF and co-op): budgets per fiscal period, allocations to
    partners, requests, claims with proof of performance, payouts, the fund ledger
    and the return on each activity."""

    name = "openprm.funds"
    label = "funds"
    verbose_name = _("Funds")
