"""Forms of the CRM sync pages: input only; the services validate again and decide."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.integrations.crm.models import ConnectorType, SyncObject

# Each direction of each kind of record, as the connection form shows it: (kind,
# direction, label, on for a new connection).
SWITCHES = [
    ("partners", "in", _("CRM accounts → partners"), True),
    ("partners", "out", _("Partners → CRM accounts"), True),
    ("deals", "out", _("Approved deals → CRM opportunities"), False),
    ("deals", "in", _("Opportunities closed in the CRM → deals won or lost"), False),
    ("leads", "in", _("CRM leads → leads routed to partners"), False),
    ("leads", "out", _("What partners make of a lead → the CRM lead's status"), False),
    ("users", "out",
     _("Partner users → CRM contacts on their partner's account"), False),
    ("users", "in",
     _("CRM contacts with a partner user's email → linked to the user"), False),
    ("contacts", "in", _("CRM contacts on partners' accounts → partner contacts"),
     False),
    ("contacts", "out",
     _("Partner contacts → CRM contacts on their partner's account"), False),
    ("customers", "in", _("CRM accounts that are not partners → customer accounts"),
     False),
    ("customers", "out", _("Customer accounts → their CRM accounts (full runs)"),
     False),
]  # fmt: skip
_AFTER_SWITCHES = ("schedule_minutes", "auto_link_score")


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        before = [name for name in self.fields if name not in _AFTER_SWITCHES]
        for object_type, direction, label, initial in SWITCHES:
            self.fields[f"{object_type}_{direction}"] = forms.BooleanField(
                label=label, required=False, initial=initial
            )
        self.order_fields([*before, *(f"{o}_{d}" for o, d, *_ in SWITCHES)])

    @staticmethod
    def initial_switches(connection) -> dict[str, bool]:
        """The switches as ``connection`` has them (the edit form's initial)."""
        return {
            f"{object_type}_{direction}": connection.allows(object_type, direction)
            for object_type, direction, *_ in SWITCHES
        }

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
                    object_type: {
                        "in": data[f"{object_type}_in"],
                        "out": data[f"{object_type}_out"],
                    }
                    for object_type in dict.fromkeys(o for o, *_ in SWITCHES)
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
    # The kind of record (a log entry's): partners when not given.
    object_type = forms.ChoiceField(choices=SyncObject.choices, required=False)
