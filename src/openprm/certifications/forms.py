"""Forms of certifications: the catalogue, accreditations, external certificates,
a review's reason and the expiring report's filter."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.certifications.choices import EarningKind
from openprm.core.forms import ServiceForm, StyledForm
from openprm.learning.models import LearningPath, Quiz
from openprm.partners.choices import specialisation_choices
from openprm.tenancy.choices import PartnerRole

CONDITION_SLOTS = 4


def _product_lines():
    return [("", _("None")), *specialisation_choices()]


def _titles(model) -> list[tuple[str, str]]:
    rows = model.objects.order_by("title", "pk").values_list("public_id", "title")
    return [(str(public_id), title) for public_id, title in rows]


def _sources():
    """The learning paths and exams a certification can name, by title, grouped;
    their public ids are the values (as the API takes them)."""
    return [
        ("", _("None")),
        (_("Learning paths"), _titles(LearningPath)),
        (_("Exams"), _titles(Quiz)),
    ]


def _roles(empty):
    return [("", empty), *PartnerRole.choices]


class CertificationForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    product_line = forms.ChoiceField(
        label=_("Product line"), required=False, choices=_product_lines
    )
    role = forms.ChoiceField(
        label=_("Meant for"),
        required=False,
        choices=lambda: _roles(_("Any role")),
        help_text=_("Accreditations count holders as people of this role."),
    )
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"), min_value=1, max_value=120, initial=24
    )
    kind = forms.ChoiceField(label=_("Earned by"), choices=EarningKind.choices)
    source_id = forms.TypedChoiceField(
        label=_("Learning path or exam"),
        required=False,
        choices=_sources,
        coerce=uuid.UUID,
        empty_value=None,
        help_text=_("The path or exam (quiz) that earns it."),
    )
    renewal_source_id = forms.TypedChoiceField(
        label=_("Recertification path or exam"),
        required=False,
        choices=_sources,
        coerce=uuid.UUID,
        empty_value=None,
        help_text=_("A shorter path or exam that extends a held certification."),
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"), queryset=None, to_field_name="public_id"
    )
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences


def certification_initial(certification) -> dict:
    return {
        "name": certification.name,
        "description": certification.description,
        "product_line": certification.product_line,
        "role": certification.role,
        "validity_months": certification.validity_months,
        "kind": certification.kind,
        "source_id": certification.source_id,
        "renewal_source_id": certification.renewal_source_id,
        "audience": certification.audience.public_id,
        "is_active": certification.is_active,
    }


class AccreditationForm(ServiceForm):
    """An accreditation and up to four conditions (a row left empty is ignored)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in range(1, CONDITION_SLOTS + 1):
            self.fields[f"certification_{slot}"].queryset = certifications

    def service_field(self, name: str) -> str | None:
        return None if name == "conditions" else super().service_field(name)

    def conditions(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for slot in range(1, CONDITION_SLOTS + 1):
            count = data.get(f"count_{slot}")
            certification = data.get(f"certification_{slot}")
            line = data.get(f"product_line_{slot}") or ""
            if not count and certification is None and not line:
                continue
            rows.append(
                {
                    "count": count,
                    "certification": certification,
                    "product_line": line,
                    "role": data.get(f"role_{slot}") or "",
                }
            )
        return rows


for _slot in range(1, CONDITION_SLOTS + 1):
    AccreditationForm.base_fields.update(
        {
            f"count_{_slot}": forms.IntegerField(
                label=_("Condition %(n)s: at least (people)") % {"n": _slot},
                required=False,
                min_value=1,
                max_value=1000,
            ),
            f"certification_{_slot}": forms.ModelChoiceField(
                label=_("holding the certification"),
                queryset=None,
                required=False,
                to_field_name="public_id",
                empty_label=_("Any certification of the product line"),
            ),
            f"product_line_{_slot}": forms.ChoiceField(
                label=_("or any certification of the product line"),
                required=False,
                choices=_product_lines,
            ),
            f"role_{_slot}": forms.ChoiceField(
                label=_("meant for"),
                required=False,
                choices=lambda: _roles(_("Any role")),
            ),
        }
    )


def accreditation_initial(accreditation) -> dict:
    initial = {
        "name": accreditation.name,
        "description": accreditation.description,
        "is_active": accreditation.is_active,
    }
    for slot, condition in enumerate(accreditation.conditions.all(), start=1):
        initial[f"count_{slot}"] = condition.count
        initial[f"certification_{slot}"] = (
            condition.certification.public_id if condition.certification_id else None
        )
        initial[f"product_line_{slot}"] = condition.product_line
        initial[f"role_{slot}"] = condition.role
    return initial


class ExternalCertificateForm(ServiceForm):
    certification = forms.ModelChoiceField(
        label=_("Certification"), queryset=None, to_field_name="public_id"
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=200)
    credential_id = forms.CharField(
        label=_("Credential id"), max_length=200, required=False
    )
    issued_on = forms.DateField(
        label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    evidence = forms.FileField(
        label=_("The certificate"),
        help_text=_("A PDF or an image (PNG, JPEG), at most 10 MB."),
    )

    def __init__(self, *args, certifications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["certification"].queryset = certifications


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExpiringFilterForm(StyledForm):
    compact = True
    within = forms.TypedChoiceField(
        label=_("Ending within"),
        coerce=int,
        required=False,
        choices=[
            (30, _("30 days")),
            (60, _("60 days")),
            (90, _("90 days")),
            (180, _("180 days")),
        ],
        initial=60,
    )

    def days(self) -> int:
        if self.is_valid() and self.cleaned_data.get("within"):
            return self.cleaned_data["within"]
        return 60
