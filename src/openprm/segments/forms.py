"""Forms of the segment pages: input only; the rules are checked by the services."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ApplicationError
from openprm.core.forms import ServiceForm
from openprm.segments.models import SegmentKind

RULE_HELP = _(
    'A rule as JSON: {"all": [...]}, {"any": [...]} or {"not": ...} around '
    'conditions {"field": "region", "op": "eq", "value": "EMEA"}. See docs/segments.md.'
)


class SegmentForm(ServiceForm):
    """A segment's definition; the rule is a JSON tree checked by the service."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea({"rows": 2})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=SegmentKind.choices)
    rule = forms.CharField(
        label=_("Rule"),
        required=False,
        help_text=RULE_HELP,
        widget=forms.Textarea({"rows": 10, "class": "form-control font-monospace"}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["kind"].disabled = True

    def clean_rule(self) -> dict:
        return parse_rule(self.cleaned_data["rule"])

    def service_field(self, name: str) -> str | None:
        # A rule's problems are reported by their place in the tree: rule.all.0.value.
        return super().service_field(name.split(".")[0])

    def add_service_error(self, error: ApplicationError) -> None:
        # The place in the tree stays in the message, which is all that says where.
        super().add_service_error(
            ApplicationError(
                error.message,
                field_errors={
                    path: [
                        problem if "." not in path else f"{path}: {problem}"
                        for problem in problems
                    ]
                    for path, problems in error.field_errors.items()
                },
            )
        )

    def service_data(self) -> dict:
        """The cleaned input as the services take it (the kind is fixed once made)."""
        data = dict(self.cleaned_data)
        if self.fields["kind"].disabled:
            data.pop("kind")
        return data


def parse_rule(text: str) -> dict:
    if not text.strip():
        return {}
    try:
        rule = json.loads(text)
    except ValueError as error:
        raise forms.ValidationError(
            _("Not valid JSON: %(error)s") % {"error": error}
        ) from None
    if not isinstance(rule, dict):
        raise forms.ValidationError(_("Give a JSON object."))
    return rule
