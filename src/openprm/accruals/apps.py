from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccrualsConfig(AppConfig):
    """What partners earn besides rule points: SPIFFs (time-bound incentives with
    a budget), rebates on their sales per period, the money accrual ledger both
    pay into, and the payouts finance approves and exports."""

    name = "openprm.accruals"
    label = "accruals"
    verbose_name = _("SPIFFs and rebates")
