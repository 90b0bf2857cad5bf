"""Console forms of programmes, tiers and enrolments: input only; rules are in
the services, whose field errors are added back to these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.partners.choices import PartnerType
from openprm.partners.pickers import PartnerPickerField
from openprm.programs.choices import BenefitKind, Operator
from openprm.programs.metrics import metric_choices


class ProgrammeForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(label=_("Slug"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    eligible_partner_types = forms.MultipleChoiceField(
        label=_("Eligible partner types"),
        choices=PartnerType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class TierForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    rank = forms.IntegerField(
        label=_("Rank"),
        min_value=1,
        help_text=_("1 is the entry tier; higher ranks are higher tiers."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequirementForm(ServiceForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=metric_choices)
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices)
    threshold = forms.DecimalField(
        label=_("Threshold"), min_value=0, max_digits=14, decimal_places=2
    )


class BenefitForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Benefit"), choices=BenefitKind.choices)
    value = forms.CharField(
        label=_("Value"),
        max_length=200,
        required=False,
        help_text=_(
            "A percentage, a number of days, a multiplier, yes/no, or the content "
            "the tier opens."
        ),
    )


class EnrolForm(ServiceForm):
    partner = PartnerPickerField()
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, to_field_name="public_id"
    )
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=None)
    reason = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, partners, programmes, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.partners = partners
        self.fields["partner"].set_partners(partners)
        self.fields["programme"].widget.attrs["data-searchable"] = ""
        self.fields["programme"].queryset = programmes
        self.fields["tier"].queryset = tiers
        self.fields["tier"].label_from_instance = lambda tier: str(tier)

    def clean_partner(self):
        """The partner itself (the service takes it), among ``partners``."""
        partner = self.partners.filter(pk=self.cleaned_data["partner"]).first()
        if partner is None:
            raise forms.ValidationError(_("Choose a partner from the list."))
        return partner


class ChangeTierForm(ServiceForm):
    tier = forms.ModelChoiceField(label=_("New tier"), queryset=None)
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, tiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = tiers
        self.fields["tier"].label_from_instance = lambda tier: tier.name


class EndEnrolmentForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)
