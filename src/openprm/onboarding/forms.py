"""Forms of the application pages: input only; the rules live in the services,
whose field errors are shown on these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.core.iso import country_choices
from openprm.onboarding.choices import QuestionKind
from openprm.onboarding.spam import HONEYPOT_FIELD
from openprm.partners.choices import PartnerType, Region


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


class ApplicationForm(ServiceForm):
    """The public application form: the fixed fields, then the programme's own
    questions (as ``q_<key>``), and a honeypot hidden from people."""

    company = forms.CharField(label=_("Company"), max_length=200)
    website = forms.CharField(
        label=_("Website or domain"), max_length=200, required=False
    )
    country = forms.ChoiceField(label=_("Country"))
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("The region of my country")), *Region.choices],
    )
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
    # Required by the service (its words say why); the page links the notice.
    consent = forms.BooleanField(required=False)

    # Shown by the page on its own: the honeypot out of sight, the consent with
    # its link to the privacy notice (see apply.html).
    honeypot_fields = (HONEYPOT_FIELD, "consent")

    def __init__(self, *args, programme, **kwargs):
        self.programme = programme
        self.questions = list(programme.questions.all())
        # This form's own fields: the class's, the programme's questions, then the
        # honeypot (styled with the rest by the base form).
        self.base_fields = {
            **type(self).base_fields,
            **{f"q_{item.key}": _question_field(item) for item in self.questions},
            HONEYPOT_FIELD: forms.CharField(
                required=False,
                widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
            ),
        }
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]
        if programme.eligible_partner_types:
            self.fields["partner_types"].choices = [
                (code, label)
                for code, label in PartnerType.choices
                if code in programme.eligible_partner_types
            ]

    @property
    def honeypot(self):
        return self[HONEYPOT_FIELD]

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
                "consent",
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

    def service_field(self, name: str) -> str | None:
        # The service names an answer "answers.<key>"; its field is "q_<key>".
        if name.startswith("answers."):
            name = f"q_{name.removeprefix('answers.')}"
        return super().service_field(name)


class AnswerForm(ServiceForm):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class NoteForm(ServiceForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InfoRequestForm(ServiceForm):
    question = forms.CharField(
        label=_("What should the applicant tell you?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResellerInviteForm(ServiceForm):
    """A distributor's invitation to a company to apply as a reseller."""

    company = forms.CharField(label=_("Company"), max_length=200)
    email = forms.EmailField(label=_("Email address"))
    programme_key = forms.ChoiceField(label=_("Programme"))

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme_key"].choices = [
            (programme.slug, programme.name) for programme in programmes
        ]

    def service_field(self, name: str) -> str | None:
        return "programme_key" if name == "programme" else super().service_field(name)
