"""Forms of the segment pages: input only; the rules are checked by the services."""

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.errors import ApplicationError
from openprm.core.forms import ServiceForm
from openprm.segments import builder
from openprm.segments.models import SegmentKind

RULE_HELP = _(
    'A rule as JSON: {"all": [...]}, {"any": [...]} or {"not": ...} around '
    'conditions {"field": "region", "op": "eq", "value": "EMEA"}. See docs/segments.md.'
)
MODES = [("builder", _("Conditions")), ("json", _("JSON"))]


class RuleBuilderMixin:
    """A rule edited as rows of conditions (``segments.builder``), or as JSON when
    the rule nests groups or the user chooses to: ``rule_mode`` says which. The
    builder's rows are read from the posted data; the JSON is what the API keeps.
    """

    def setup_builder(self, catalogue: builder.Catalogue | None) -> None:
        self.catalogue = catalogue
        self.builder_places: dict = {}
        if catalogue is None:
            self.builder = None
            return
        if self.is_bound:
            # Without the builder's own field (a client posting the JSON): JSON.
            mode = self.data.get("rule_mode", "json")
            if mode == "builder":
                self.builder = builder.from_data(self.data, catalogue)
            else:
                self.builder = builder.Builder(flat=False)
            self.rule_mode = mode if mode in ("builder", "json") else "builder"
            return
        try:
            initial = parse_rule(self.initial.get("rule") or "")
        except forms.ValidationError:
            initial = None
        self.builder = builder.from_rule(initial, catalogue)
        self.rule_mode = "builder" if self.builder.flat else "json"

    def rule_from_input(self) -> dict:
        if self.builder is None or self.rule_mode == "json":
            return parse_rule(self.cleaned_data["rule"])
        if builder.missing_values(self.builder):
            raise forms.ValidationError(_("Some conditions still need a value."))
        rule, self.builder_places = builder.to_rule(self.builder)
        return rule

    def rule_field_errors(self, field_errors: dict) -> dict:
        """The service's rule errors on the builder's rows (the rest as they are)."""
        if self.builder is None or self.rule_mode == "json":
            return field_errors
        rest = {
            path: problems
            for path, problems in field_errors.items()
            if path.split(".")[0] != "rule"
        }
        rule_errors = {
            path: problems
            for path, problems in field_errors.items()
            if path.split(".")[0] == "rule"
        }
        unplaced = builder.place_errors(self.builder, self.builder_places, rule_errors)
        if rule_errors:
            rest["rule"] = unplaced or [str(_("Check the conditions marked below."))]
        return rest


class SegmentForm(RuleBuilderMixin, ServiceForm):
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

    def __init__(self, *args, editing: bool = False, catalogue=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["kind"].disabled = True
        self.setup_builder(catalogue)

    def clean_rule(self) -> dict:
        return self.rule_from_input()

    @property
    def is_static_kind(self) -> bool:
        """A static list: the builder gives way to a note (it has no rule)."""
        if "kind" not in self.fields:
            return False
        return self["kind"].value() == SegmentKind.STATIC

    def service_field(self, name: str) -> str | None:
        # A rule's problems are reported by their place in the tree: rule.all.0.value.
        return super().service_field(name.split(".")[0])

    def add_service_error(self, error: ApplicationError) -> None:
        if error.field_errors and self.builder is not None and self.rule_mode != "json":
            # The builder shows each condition's problem on its row.
            super().add_service_error(
                ApplicationError(
                    error.message,
                    field_errors=self.rule_field_errors(error.field_errors),
                )
            )
            return
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
