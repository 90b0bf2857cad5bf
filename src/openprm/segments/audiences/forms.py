"""The audience form: input only; the rule and roles are checked by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.segments.audiences.evaluation import EVERY_PARTNER
from openprm.segments.forms import SegmentForm
from openprm.tenancy.choices import PartnerRole

RULE_HELP = _(
    'The partners, as a rule: {"all": [...]}, {"any": [...]} or {"not": ...} around '
    'conditions {"field": "region", "op": "eq", "value": "EMEA"}. Empty (or '
    '{"all": []}): every partner. See docs/content.md.'
)


class AudienceForm(SegmentForm):
    """An audience: who (a rule over partners) and which of their users (roles).

    It borrows the segment form's rule parsing and its errors by place in the tree
    (``rule.all.0.value``); it has no kind."""

    rule = forms.CharField(
        label=_("Rule"),
        required=False,
        help_text=RULE_HELP,
        widget=forms.Textarea({"rows": 8, "class": "form-control font-monospace"}),
    )
    partner_roles = forms.MultipleChoiceField(
        label=_("Roles inside the partner"),
        required=False,
        choices=PartnerRole.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every user of the partners the rule selects."),
    )

    field_order = ["name", "description", "rule", "partner_roles", "is_active"]

    def __init__(self, *args, **kwargs):
        kwargs.pop("editing", None)
        super().__init__(*args, **kwargs)
        del self.fields["kind"]

    def clean_rule(self) -> dict:
        return self.rule_from_input() or dict(EVERY_PARTNER)

    def service_data(self) -> dict:
        return dict(self.cleaned_data)
