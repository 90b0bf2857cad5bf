"""Forms of the configuration pages: input only; the rules live in the services,
whose field errors are shown on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.onboarding.choices import QuestionKind
from openprm.partners.choices import PartnerType, Region


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.email


class _TargetForm(ServiceForm):
    def __init__(self, *args, users, queues, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = (
                    users if name in ("user", "escalate_to_user") else queues
                )


class RoutingRuleForm(_TargetForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    position = forms.IntegerField(label=_("Order"), min_value=0, initial=10)
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, empty_label=_("Any")
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.CharField(
        label=_("Countries"),
        required=False,
        help_text=_("Two-letter codes separated by commas; empty: any country."),
    )
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"),
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    user = _UserChoice(label=_("Approver"), queryset=None, required=False)
    queue = forms.ModelChoiceField(label=_("or queue"), queryset=None, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes

    def data_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["countries"] = [
            code.strip()
            for code in (data["countries"] or "").split(",")
            if code.strip()
        ]
        return data


class ApprovalStepForm(_TargetForm):
    position = forms.IntegerField(label=_("Order"), min_value=1)
    name = forms.CharField(label=_("Name"), max_length=100)
    user = _UserChoice(
        label=_("Approver"),
        queryset=None,
        required=False,
        help_text=_("Neither approver nor queue: the routed approver or queue."),
    )
    queue = forms.ModelChoiceField(label=_("or queue"), queryset=None, required=False)
    sla_business_days = forms.IntegerField(
        label=_("SLA (business days)"), min_value=0, max_value=60, initial=2
    )
    escalate_to_user = _UserChoice(
        label=_("Escalate to (user)"), queryset=None, required=False
    )
    escalate_to_queue = forms.ModelChoiceField(
        label=_("or escalate to (queue)"), queryset=None, required=False
    )


class QueueForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_fallback = forms.BooleanField(
        label=_("Fallback queue (takes what no rule matches)"), required=False
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = users
        self.fields["members"].label_from_instance = lambda user: user.email


class QuestionForm(ServiceForm):
    key = forms.SlugField(label=_("Key"), max_length=50)
    label = forms.CharField(label=_("Question"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        help_text=_("For choice questions: the answers, separated by commas."),
    )
    is_required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=255, required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
