"""The form of an exchange rate in the console (the service checks the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ExchangeRateForm(forms.Form):
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        for field, messages in field_errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
