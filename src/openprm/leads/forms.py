"""Forms of the lead pages; the services check the business rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.leads.models import LeadStatus, RoutingStrategy
from openprm.partners.choices import (
    EmployeeBand,
    Industry,
    Region,
    specialisation_choices,
)

BLANK = [("", "—")]


class _Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        for path, messages in field_errors.items():
            for message in messages:
                self.add_error(path if path in self.fields else None, message)


class LeadForm(_Styled):
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


class ImportForm(_Styled):
    file = forms.FileField(label=_("CSV or XLSX file"))


def _csv_field(label, help_text=""):
    return forms.CharField(
        label=label, required=False, help_text=help_text or _("Comma-separated")
    )


class RuleForm(_Styled):
    name = forms.CharField(label=_("Name"), max_length=200)
    order = forms.IntegerField(label=_("Order"), min_value=0, initial=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    strategy = forms.ChoiceField(label=_("Strategy"), choices=RoutingStrategy.choices)
    named_partner = forms.IntegerField(
        label=_("Named partner (id)"), required=False, min_value=1
    )
    countries = _csv_field(_("Countries"), _("Comma-separated codes, e.g. DE, AT"))
    regions = _csv_field(_("Regions"), _("NA, LATAM, EMEA, APAC"))
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


class CapacityForm(_Styled):
    partner = forms.IntegerField(label=_("Partner (id)"), min_value=1)
    max_open_leads = forms.IntegerField(
        label=_("Maximum open leads"), min_value=0, max_value=100_000
    )


class RejectForm(_Styled):
    reason = forms.CharField(
        label=_("Why not?"), widget=forms.Textarea({"rows": 2}), max_length=2000
    )


class NoteForm(_Styled):
    text = forms.CharField(
        label=_("Note"), widget=forms.Textarea({"rows": 2}), max_length=5000
    )


class WorkForm(_Styled):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (LeadStatus.WORKING, LeadStatus.WORKING.label),
            (LeadStatus.LOST, LeadStatus.LOST.label),
        ],
    )
    note = forms.CharField(label=_("Note"), required=False)


class ConvertForm(_Styled):
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
