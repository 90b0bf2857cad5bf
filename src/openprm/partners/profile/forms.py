"""Forms of the partner profile pages. They only shape input: every rule is checked
by partners.services (and custom_fields.validate), whose errors come back per field
(``custom_fields.<key>`` is the form's ``cf_<key>``)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import CountryField, ServiceForm
from openprm.partners.choices import (
    CustomFieldType,
    EmployeeBand,
    Industry,
    PartnerType,
    Region,
    RevenueBand,
    specialisation_choices,
)
from openprm.partners.permissions import PARTNER_EDITABLE_FIELDS

CUSTOM_PREFIX = "cf_"
LIST_SEPARATORS = re.compile(r"[,\s]+")


def split_list(text: str) -> list[str]:
    return [item for item in LIST_SEPARATORS.split(text or "") if item]


def custom_form_field(definition) -> forms.Field:
    common = {
        "label": definition.label,
        "help_text": definition.help_text,
        "required": False,  # the service decides, so the error reads the same
    }
    if definition.field_type == CustomFieldType.NUMBER:
        return forms.DecimalField(**common)
    if definition.field_type == CustomFieldType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if definition.field_type == CustomFieldType.CHOICE:
        return forms.ChoiceField(
            choices=[("", "—"), *((choice, choice) for choice in definition.choices)],
            **common,
        )
    if definition.field_type == CustomFieldType.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(choice, choice) for choice in definition.choices],
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if definition.field_type == CustomFieldType.BOOLEAN:
        return forms.ChoiceField(
            choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))], **common
        )
    return forms.CharField(max_length=1000, **common)


def _initial_custom(definition, value):
    if value is None:
        return None
    if definition.field_type == CustomFieldType.BOOLEAN:
        return "true" if value else "false"
    return value


class PartnerProfileForm(ServiceForm):
    """Every profile field; ``partner_level`` keeps the partner-editable ones."""

    name = forms.CharField(label=_("Display name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    partner_type = forms.ChoiceField(
        label=_("Primary type"), choices=PartnerType.choices
    )
    partner_types = forms.MultipleChoiceField(
        label=_("Other types"),
        choices=PartnerType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    domains = forms.CharField(
        label=_("Email domains"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One or more, separated by commas or new lines."),
    )
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    state = forms.CharField(
        label=_("State or province"), max_length=120, required=False
    )
    country = CountryField()
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("The country's region")), *Region.choices],
        help_text=_("Left empty, the region follows from the country."),
    )
    latitude = forms.DecimalField(label=_("Latitude"), required=False)
    longitude = forms.DecimalField(label=_("Longitude"), required=False)
    industries = forms.MultipleChoiceField(
        label=_("Industries"),
        choices=Industry.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    specialisations = forms.MultipleChoiceField(
        label=_("Specialisations"),
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    employee_band = forms.ChoiceField(
        label=_("Employees"), choices=[("", "—"), *EmployeeBand.choices], required=False
    )
    revenue_band = forms.ChoiceField(
        label=_("Annual revenue"),
        choices=[("", "—"), *RevenueBand.choices],
        required=False,
    )
    languages = forms.CharField(
        label=_("Languages"),
        required=False,
        help_text=_("ISO 639-1 codes separated by commas, e.g. de, en"),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/webp"}
        ),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas.")
    )
    external_id = forms.CharField(
        label=_("External id"), max_length=100, required=False
    )
    channel_manager = forms.ChoiceField(label=_("Channel manager"), required=False)

    def __init__(
        self,
        *args,
        partner,
        definitions,
        partner_level: bool = False,
        managers=(),
        **kwargs,
    ):
        self.managers = {str(manager.pk): manager for manager in managers}
        self.definitions = list(definitions)
        kwargs.setdefault("initial", self._initial(partner))
        super().__init__(*args, **kwargs)
        self.fields["specialisations"].choices = specialisation_choices()
        self.fields["channel_manager"].choices = [
            ("", "—"),
            *((pk, str(manager)) for pk, manager in self.managers.items()),
        ]
        if partner_level:
            for name in list(self.fields):
                if name not in PARTNER_EDITABLE_FIELDS:
                    del self.fields[name]
        for definition in self.definitions:
            self.fields[CUSTOM_PREFIX + definition.key] = custom_form_field(definition)

    def _initial(self, partner) -> dict:
        initial = {
            name: getattr(partner, name)
            for name in (
                "name",
                "legal_name",
                "partner_type",
                "website",
                "street",
                "postal_code",
                "city",
                "state",
                "country",
                "region",
                "latitude",
                "longitude",
                "industries",
                "specialisations",
                "employee_band",
                "revenue_band",
                "external_id",
            )
        }
        initial["partner_types"] = partner.partner_types
        initial["domains"] = "\n".join(
            domain.domain for domain in partner.domains.all()
        )
        initial["languages"] = ", ".join(partner.languages)
        initial["tags"] = ", ".join(partner.tags)
        initial["channel_manager"] = partner.channel_manager_id or ""
        for definition in self.definitions:
            initial[CUSTOM_PREFIX + definition.key] = _initial_custom(
                definition, partner.custom_fields.get(definition.key)
            )
        return initial

    def service_data(self) -> dict:
        """The cleaned input as partners.services.partner_update takes it."""
        data = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(CUSTOM_PREFIX):
                continue
            if name in ("domains", "languages", "tags"):
                value = split_list(value)
            elif name == "channel_manager":
                value = self.managers.get(value)
            elif name == "logo":
                if not value:
                    continue
            elif name == "partner_types":
                value = [self.cleaned_data.get("partner_type", ""), *value]
            data[name] = value
        if self.definitions:
            data["custom_fields"] = {
                definition.key: _custom_value(
                    self.cleaned_data.get(CUSTOM_PREFIX + definition.key)
                )
                for definition in self.definitions
            }
        return data

    def service_field(self, name: str) -> str | None:
        # The services name custom fields ``custom_fields.<key>``; here ``cf_<key>``.
        return super().service_field(name.replace("custom_fields.", CUSTOM_PREFIX, 1))


def _custom_value(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if not isinstance(value, str | list | bool):
        return str(value)
    return value


class ContactForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CustomFieldDefinitionForm(ServiceForm):
    key = forms.CharField(
        label=_("Key"),
        max_length=50,
        help_text=_("Lowercase letters, digits and underscores; cannot change later."),
    )
    label = forms.CharField(label=_("Label"), max_length=120)
    field_type = forms.ChoiceField(label=_("Type"), choices=CustomFieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Choice fields: one value per line."),
    )
    is_required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=255, required=False)
    ordering = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32767, initial=0
    )
    visible_to_partners = forms.BooleanField(
        label=_("Visible to partners"), required=False
    )
    editable_by_partners = forms.BooleanField(
        label=_("Editable by partners"), required=False
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]
            del self.fields["field_type"]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["choices"] = [
            line.strip()
            for line in data.get("choices", "").splitlines()
            if line.strip()
        ]
        return data
