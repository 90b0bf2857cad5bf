import json

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.segments.models import SegmentKind

RULE_HELP = _(
    'A rule as JSON: {"all": [...]}, {"any": [...]} or {"not": ...} around '
    'conditions {"field": "region", "op": "eq", "value": "EMEA"}. See docs/segments.md.'
)


class SegmentForm(forms.Form):
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
        widget=forms.Textarea({"rows": 10, "class": "font-monospace"}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-control")
        self.fields["kind"].widget.attrs["class"] = "form-select"
        if editing:
            self.fields["kind"].disabled = True

    def clean_rule(self) -> dict:
        return parse_rule(self.cleaned_data["rule"])

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        for path, messages in field_errors.items():
            field = path.split(".")[0]
            for message in messages:
                label = "" if path == field else f"{path}: "
                self.add_error(field if field in self.fields else None, label + message)


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
