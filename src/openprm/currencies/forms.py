"""The form of an exchange rate in the console (the service checks the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm


class ExchangeRateForm(ServiceForm):
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        help_text=_("ISO 4217 code, e.g. USD."),
    )
    rate = forms.DecimalField(
        label=_("Rate"),
        help_text=_("Units of the reporting currency that one unit is worth."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
