"""Forms of the lead pages: input only; the services check the business rules and
their refusals are shown on these forms (``core.forms.ServiceForm``).

Text a service checks itself (a reason, a note) is optional here, so that the
service's own words say what is missing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core import iso
from openprm.core.forms import ServiceForm
from openprm.leads.models import LeadStatus, RoutingStrategy
from openprm.partners.choices import (
    EmployeeBand,
    Industry,
    Region,
    specialisation_choices,
)
from openprm.partners.pickers import PartnerPickerField

BLANK = [("", "—")]


class LeadForm(ServiceForm):
    company = forms.CharField(label=_("Company"), max_length=200)
    domain = forms.CharField(label=_("Domain"), required=False)
    contact_name = forms.CharField(label=_("Contact name"), required=False)
    contact_email = forms.CharField(label=_("Contact email"), required=False)
    country = forms.CharField(
        label=_("Country"), help_text=_("Two letters, e.g. DE"), max_length=100
    )
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)
    postal_code = forms.CharField(label=_("Postal code"), required=False)
    industry = forms.ChoiceField(
        label=_("Industry"), choices=BLANK + Industry.choices, required=False
    )
    product_interest = forms.ChoiceField(
        label=_("Product interest"), choices=(), required=False
    )
    size_band = forms.ChoiceField(
        label=_("Size"), choices=BLANK + EmployeeBand.choices, required=False
    )
    latitude = forms.CharField(label=_("Latitude"), required=False)
    longitude = forms.CharField(label=_("Longitude"), required=False)
    external_id = forms.CharField(label=_("External id"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_interest"].choices = BLANK + specialisation_choices()


class ImportForm(ServiceForm):
    file = forms.FileField(label=_("CSV or XLSX file"))


def _csv_field(label, help_text=""):
    return forms.CharField(
        label=label, required=False, help_text=help_text or _("Comma-separated")
    )


class RuleForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    strategy = forms.ChoiceField(label=_("Strategy"), choices=RoutingStrategy.choices)
    named_partner = PartnerPickerField(
        label=_("Named partner"), required=False, empty_label=_("None")
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        choices=iso.country_choices,
        help_text=_("None: any country. Hold Ctrl or ⌘ to pick several."),
        widget=forms.SelectMultiple(
            {
                "data-searchable": "",
                "data-search-placeholder": _("Search countries…"),
                "size": 8,
            }
        ),
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        choices=Region.choices,
        help_text=_("None: any region."),
        widget=forms.CheckboxSelectMultiple,
    )
    postal_prefixes = _csv_field(_("Postal-code prefixes"))
    industries = _csv_field(_("Industries"))
    product_interests = _csv_field(_("Product interests"))
    size_bands = _csv_field(_("Sizes"))
    same_country = forms.BooleanField(
        label=_("Only partners in the lead's country"), required=False, initial=True
    )
    same_region = forms.BooleanField(
        label=_("Only partners in the lead's region"), required=False
    )
    match_specialisation = forms.BooleanField(
        label=_("Only partners specialised in the product interest"), required=False
    )
    match_industry = forms.BooleanField(
        label=_("Only partners serving the lead's industry"), required=False
    )
    tier_weight = forms.FloatField(label=_("Tier weight"), initial=1.0)
    score_weight = forms.FloatField(label=_("Scorecard weight"), initial=1.0)
    acceptance_weight = forms.FloatField(label=_("Acceptance-rate weight"), initial=1.0)
    win_weight = forms.FloatField(label=_("Win-rate weight"), initial=1.0)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = partners
        self.fields["named_partner"].set_partners(partners)

    def clean_named_partner(self):
        """The named partner, among ``partners`` (the user's scope)."""
        partner_id = self.cleaned_data["named_partner"]
        if partner_id is None:
            return None
        partner = self.partners.filter(pk=partner_id).first()
        if partner is None:
            raise forms.ValidationError(_("No such partner."))
        return partner


class CapacityForm(ServiceForm):
    partner = PartnerPickerField()
    max_open_leads = forms.IntegerField(
        label=_("Maximum open leads"), min_value=0, max_value=100_000
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].set_partners(partners)


class RejectForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why not?"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        max_length=2000,
    )


class NoteForm(ServiceForm):
    text = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        max_length=5000,
    )


class WorkForm(ServiceForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (LeadStatus.WORKING, LeadStatus.WORKING.label),
            (LeadStatus.LOST, LeadStatus.LOST.label),
        ],
    )
    note = forms.CharField(label=_("Note"), required=False)


class ConvertForm(ServiceForm):
    """The deal a lead becomes: one product line here; more through the deal."""

    title = forms.CharField(label=_("Deal title"), max_length=200)
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput({"type": "date"})
    )
    product_line = forms.ChoiceField(label=_("Product line"), choices=())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_line"].choices = specialisation_choices()
