"""Forms of the SPIFF, rebate and payout pages: input only; the rules are in the
services."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.accruals.choices import PayIn, RebateBasis, RebatePeriod, SpiffBasis
from openprm.core.forms import ServiceForm
from openprm.partners.pickers import PartnerPickerField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _audience_field():
    return forms.ModelChoiceField(
        label=_("Audience"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("Empty: every partner."),
    )


class SpiffForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=None, required=False, to_field_name="public_id"
    )
    product_line = forms.CharField(
        label=_("Product line"),
        max_length=100,
        required=False,
        help_text=_("Instead of one product: every product of this line."),
    )
    audience = _audience_field()
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE_INPUT)
    pay_in = forms.ChoiceField(label=_("Paid in"), choices=PayIn.choices)
    basis = forms.ChoiceField(
        label=_("Pays"),
        choices=SpiffBasis.choices,
        initial=SpiffBasis.PER_UNIT,
        required=False,
    )
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=18,
        decimal_places=4,
        help_text=_(
            "Per unit sold: points, or money in the reporting currency. "
            "Per cent: of each line's amount in the reporting currency, "
            "paid as points (5 % of 1,000 is 50 points) or as money."
        ),
    )
    budget = forms.DecimalField(
        label=_("Budget"),
        max_digits=18,
        decimal_places=4,
        help_text=_("Never overspent: the last sale within it gets what is left."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, products, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["audience"].queryset = audiences


class RebateProgrammeForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    basis = forms.ChoiceField(label=_("Basis"), choices=RebateBasis.choices)
    period = forms.ChoiceField(label=_("Period"), choices=RebatePeriod.choices)
    product_line = forms.CharField(
        label=_("Product line"),
        max_length=100,
        required=False,
        help_text=_("Empty: all sales."),
    )
    audience = _audience_field()
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE_INPUT)
    tiers = forms.CharField(
        label=_("Tiers"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One tier a line: from, rate in per cent (e.g. “0, 1” and "
            "“100000, 2”). From is sales in the reporting currency, or growth "
            "in per cent. The rate reached applies to all of the period's sales."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences

    def clean_tiers(self):
        tiers = []
        for number, text in enumerate(self.cleaned_data["tiers"].splitlines(), 1):
            if not text.strip():
                continue
            parts = [part.strip() for part in text.replace(";", ",").split(",")]
            try:
                threshold, rate = (Decimal(part) for part in parts)
            except (ValueError, InvalidOperation):
                raise forms.ValidationError(
                    _("Line %(n)s: write “from, rate”."), params={"n": number}
                ) from None
            tiers.append((threshold, rate))
        return tiers


def tiers_text(programme) -> str:
    return "\n".join(
        f"{tier.threshold.normalize():f}, {tier.rate.normalize():f}"
        for tier in programme.tiers.all()
    )


class CalculateForm(ServiceForm):
    on = forms.DateField(
        label=_("A day of the period"), widget=DATE_INPUT, help_text=None
    )
    final = forms.BooleanField(
        label=_("Final: true up the ended period"), required=False
    )


class PayoutRequestForm(ServiceForm):
    partner = PartnerPickerField(help_text=_("Its whole balance is paid."))

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].set_partners(partners)


class NoteForm(ServiceForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReturnForm(ServiceForm):
    reason = forms.CharField(label=_("Why it came back"), max_length=300)
