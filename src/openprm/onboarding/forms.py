"""Forms of onboarding: input only; the rules live in the services, whose field
errors are added back to these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.onboarding.choices import QuestionKind
from openprm.onboarding.spam import HONEYPOT_FIELD
from openprm.partners.choices import PartnerType, Region
from openprm.programs.forms import ServiceErrorsForm


def _question_field(question) -> forms.Field:
    common = {
        "label": question.label,
        "required": question.is_required,
        "help_text": question.help_text,
    }
    if question.kind == QuestionKind.NUMBER:
        return forms.DecimalField(**common)
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—"), *((item, item) for item in question.choices)],
            **common,
        )
    if question.kind == QuestionKind.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(item, item) for item in question.choices],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if question.kind == QuestionKind.BOOLEAN:
        return forms.BooleanField(**common)
    return forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), **common
    )


class ApplicationForm(ServiceErrorsForm):
    """The public application form: the fixed fields, then the programme's own
    questions (as ``q_<key>``), and a honeypot hidden from people."""

    company = forms.CharField(label=_("Company"), max_length=200)
    website = forms.CharField(
        label=_("Website or domain"), max_length=200, required=False
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        help_text=_("Two-letter code, e.g. DE, US."),
    )
    region = forms.ChoiceField(label=_("Region"), choices=Region.choices)
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"),
        choices=PartnerType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    contact_email = forms.EmailField(label=_("Your email address"))
    contact_phone = forms.CharField(
        label=_("Your phone number"), max_length=40, required=False
    )

    def __init__(self, *args, programme, **kwargs):
        self.programme = programme
        self.questions = list(programme.questions.all())
        super().__init__(*args, **kwargs)
        if programme.eligible_partner_types:
            self.fields["partner_types"].choices = [
                (code, label)
                for code, label in PartnerType.choices
                if code in programme.eligible_partner_types
            ]
        for question in self.questions:
            field = _question_field(question)
            if not isinstance(
                field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput
            ):
                css = (
                    "form-select"
                    if isinstance(field, forms.ChoiceField)
                    else "form-control"
                )
                field.widget.attrs.setdefault("class", css)
            self.fields[f"q_{question.key}"] = field
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

    def visible_fields_list(self):
        return [field for field in self if field.name != HONEYPOT_FIELD]

    def submission(self) -> dict:
        data = {
            name: self.cleaned_data.get(name)
            for name in (
                "company",
                "website",
                "country",
                "region",
                "partner_types",
                "contact_name",
                "contact_email",
                "contact_phone",
            )
        }
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.key}")
            if value is not None and value != "":
                answers[question.key] = (
                    str(value) if question.kind == QuestionKind.NUMBER else value
                )
        data["answers"] = answers
        return data

    def add_service_errors(self, field_errors) -> None:
        renamed = {
            (
                f"q_{name.removeprefix('answers.')}"
                if name.startswith("answers.")
                else name
            ): messages
            for name, messages in field_errors.items()
        }
        super().add_service_errors(renamed)


class AnswerForm(ServiceErrorsForm):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class NoteForm(ServiceErrorsForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(ServiceErrorsForm):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InfoRequestForm(ServiceErrorsForm):
    question = forms.CharField(
        label=_("What should the applicant tell you?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.email


class _TargetForm(ServiceErrorsForm):
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


class QueueForm(ServiceErrorsForm):
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


class QuestionForm(ServiceErrorsForm):
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
