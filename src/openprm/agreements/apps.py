from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    """Programme agreements: versioned terms and the record of each acceptance (who,
    when, from where, what exact text).
    """

    name = "openprm.agreements"
    label = "agreements"
    verbose_name = _("Agreements")
