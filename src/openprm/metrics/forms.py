"""The dashboard's filters (GET, every field optional), and the tier simulator's
edited thresholds."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import StyledForm
from openprm.metrics.dashboard import DashboardFilters
from openprm.partners.choices import PartnerType, Region
from openprm.programs.choices import Operator
from openprm.programs.metrics import get_metric


class DashboardFilterForm(StyledForm):
    compact = True

    first_month = forms.CharField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    last_month = forms.CharField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices],
    )
    partner_type = forms.ChoiceField(
        label=_("Partner type"),
        required=False,
        choices=[("", _("All types")), *PartnerType.choices],
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False)

    def __init__(self, *args, tiers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [
            ("", _("All tiers")),
            *[(name, name) for name in tiers],
        ]

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return DashboardFilters(
            region=data.get("region", ""),
            partner_type=data.get("partner_type", ""),
            tier=data.get("tier", ""),
        )


class SimulationForm(StyledForm):
    """A tier's requirements with their thresholds to try, and the evaluation
    window (months) to try them over."""

    months = forms.IntegerField(
        label=_("Evaluation window (months)"),
        min_value=1,
        max_value=36,
        initial=12,
        help_text=_("Today's rules read the last 12 months, this one included."),
    )

    def __init__(self, *args, tier, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = list(tier.requirements.all())
        for requirement in self.requirements:
            metric = get_metric(requirement.metric)
            self.fields[f"threshold_{requirement.pk}"] = forms.DecimalField(
                label=_("%(metric)s, %(operator)s")
                % {
                    "metric": metric.label if metric else requirement.metric,
                    "operator": Operator(requirement.operator).label,
                },
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=requirement.threshold,
            )

    def thresholds(self) -> dict[int, object]:
        return {
            requirement.pk: self.cleaned_data[f"threshold_{requirement.pk}"]
            for requirement in self.requirements
        }
