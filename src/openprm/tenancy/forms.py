"""Forms of the Team, Users and invitation pages: input parsing only; the rules
live in tenancy.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.core.forms import ServiceForm
from openprm.tenancy.choices import InvitationStatus, PartnerRole


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Roles"))
        super().__init__(choices=PartnerRole.choices, **kwargs)


class PartnerInvitationForm(ServiceForm):
    email = forms.EmailField(label=_("Email address"))
    roles = RolesField(
        initial=[PartnerRole.SALES],
        help_text=_("A partner admin manages the team; a member can hold several."),
    )


class VendorInvitationForm(ServiceForm):
    email = forms.EmailField(label=_("Email address"))
    vendor_role = forms.ChoiceField(
        label=_("Vendor role"),
        choices=VendorRole.choices,
        initial=VendorRole.CHANNEL_MANAGER,
    )


class MembershipRolesForm(ServiceForm):
    roles = RolesField()


class VendorRoleForm(ServiceForm):
    vendor_role = forms.ChoiceField(label=_("Vendor role"), choices=VendorRole.choices)
    territories = forms.CharField(
        label=_("Territories"),
        required=False,
        help_text=_(
            "Channel managers only: regions (EMEA, APAC, LATAM) or two-letter "
            "country codes, separated by commas."
        ),
    )

    def clean_territories(self) -> list[str]:
        raw = self.cleaned_data["territories"]
        return [code.strip() for code in raw.replace(";", ",").split(",") if code]


class AcceptInvitationForm(ServiceForm):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def service_field(self, name: str) -> str | None:
        # The service checks "password"; the form asks for it twice.
        return "password1" if name == "password" else super().service_field(name)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


STATUS_CHOICES = [
    ("", _("Any status")),
    ("active", _("Active")),
    ("inactive", _("Deactivated")),
]
KIND_CHOICES = [
    ("", _("Anyone")),
    ("partner", _("Partner users")),
    *[(role, label) for role, label in VendorRole.choices],
]


class UserFilterForm(forms.Form):
    """The Users page's search and filters (GET); invalid values are ignored."""

    q = forms.CharField(required=False, max_length=100)
    role = forms.ChoiceField(required=False, choices=KIND_CHOICES)
    partner = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)

    def selector_arguments(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        arguments: dict = {
            "search": data["q"].strip(),
            "partner_search": data["partner"].strip(),
        }
        if data["role"] == "partner":
            arguments["kind"] = "partner"
        elif data["role"]:
            arguments["vendor_role"] = data["role"]
        if data["status"]:
            arguments["is_active"] = data["status"] == "active"
        return arguments


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False,
        choices=[("", _("Any status")), *InvitationStatus.choices],
    )

    def selector_arguments(self) -> dict:
        if not self.is_valid():
            return {}
        return {"status": self.cleaned_data["status"]}
