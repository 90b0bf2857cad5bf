from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CurrenciesConfig(AppConfig):
    """Money in several currencies: exact amounts, the exchange-rate table vendor
    admins keep, and conversion into the reporting currency."""

    name = "openprm.currencies"
    label = "currencies"
    verbose_name = _("Currencies")
