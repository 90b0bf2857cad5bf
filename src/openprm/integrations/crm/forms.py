"""Forms of the CRM sync pages: input only; the services validate again and decide."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.integrations.crm.models import ConnectorType


class ConnectionForm(ServiceForm):
    """A connection's settings; the credentials are asked for, never shown."""

    name = forms.CharField(label=_("Name"), max_length=100)
    connector_type = forms.ChoiceField(
        label=_("Connector"), choices=ConnectorType.choices
    )
    url = forms.CharField(
        label=_("CRM address"),
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://crm.example.com"}),
        help_text=_("For BottleCRM: the address its API answers at."),
    )
    folder = forms.CharField(
        label=_("Exchange folder"),
        required=False,
        help_text=_("For CSV files: the folder of the CRM's exports and imports."),
    )
    email = forms.CharField(label=_("CRM user's email"), required=False, max_length=200)
    password = forms.CharField(
        label=_("CRM user's password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Stored encrypted and never shown again. Empty: keep the stored one."
        ),
    )
    partners_in = forms.BooleanField(
        label=_("CRM accounts → partners"), required=False, initial=True
    )
    partners_out = forms.BooleanField(
        label=_("Partners → CRM accounts"), required=False, initial=True
    )
    deals_out = forms.BooleanField(
        label=_("Approved deals → CRM opportunities"), required=False, initial=False
    )
    deals_in = forms.BooleanField(
        label=_("Opportunities closed in the CRM → deals won or lost"),
        required=False,
        initial=False,
    )
    leads_in = forms.BooleanField(
        label=_("CRM leads → leads routed to partners"),
        required=False,
        initial=False,
    )
    leads_out = forms.BooleanField(
        label=_("What partners make of a lead → the CRM lead's status"),
        required=False,
        initial=False,
    )
    contacts_in = forms.BooleanField(
        label=_("CRM contacts on partners' accounts → partner contacts"),
        required=False,
        initial=False,
    )
    contacts_out = forms.BooleanField(
        label=_("Partner contacts → CRM contacts on their partner's account"),
        required=False,
        initial=False,
    )
    customers_in = forms.BooleanField(
        label=_("CRM accounts that are not partners → customer accounts"),
        required=False,
        initial=False,
    )
    customers_out = forms.BooleanField(
        label=_("Customer accounts → their CRM accounts (full runs)"),
        required=False,
        initial=False,
    )
    schedule_minutes = forms.IntegerField(
        label=_("Run every (minutes)"),
        min_value=0,
        max_value=1440,
        initial=15,
        help_text=_("0: only when started by hand."),
    )
    auto_link_score = forms.IntegerField(
        label=_("Link automatically from this similarity"),
        min_value=50,
        max_value=100,
        initial=95,
    )

    def service_data(self) -> tuple[dict, dict | None]:
        data = self.cleaned_data
        config = {"url": data["url"]} if data["url"] else {}
        if data["folder"]:
            config["folder"] = data["folder"]
        secret = None
        if data["email"] or data["password"]:
            secret = {"email": data["email"], "password": data["password"]}
        return (
            {
                "name": data["name"],
                "connector_type": data["connector_type"],
                "config": config,
                "directions": {
                    "partners": {
                        "in": data["partners_in"],
                        "out": data["partners_out"],
                    },
                    "deals": {"in": data["deals_in"], "out": data["deals_out"]},
                    "leads": {"in": data["leads_in"], "out": data["leads_out"]},
                    "contacts": {
                        "in": data["contacts_in"],
                        "out": data["contacts_out"],
                    },
                    "customers": {
                        "in": data["customers_in"],
                        "out": data["customers_out"],
                    },
                },
                "schedule_minutes": data["schedule_minutes"],
                "auto_link_score": data["auto_link_score"],
            },
            secret,
        )


class MappingForm(ServiceForm):
    fields_json = forms.CharField(
        label=_("Fields"),
        widget=forms.Textarea(
            attrs={"rows": 18, "class": "form-control font-monospace"}
        ),
        help_text=_(
            "One object per field: local, remote, direction (both, in, out), rule "
            "(crm, prm, newest, ask), and the transforms out and in."
        ),
    )

    def clean_fields_json(self):
        try:
            return json.loads(self.cleaned_data["fields_json"])
        except ValueError as error:
            raise forms.ValidationError(
                _("This is not valid JSON: %s") % error
            ) from None


class DecisionForm(ServiceForm):
    choice = forms.ChoiceField(
        choices=[("link", _("Link")), ("create", _("Create")), ("ignore", _("Ignore"))]
    )
    candidate = forms.CharField(required=False)


class ConflictForm(ServiceForm):
    choice = forms.ChoiceField(
        choices=[("crm", _("Take the CRM's value")), ("prm", _("Keep OpenPRM's"))]
    )


class ResyncForm(ServiceForm):
    local_id = forms.IntegerField(min_value=1)
