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


class HealthModelForm(StyledForm):
    """A programme's health score: the at-risk line, the drop that alerts, and up
    to eight weighted metrics with their targets (empty rows are left out)."""

    ROWS = 8

    at_risk_below = forms.DecimalField(
        label=_("At risk below (score)"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=50,
    )
    alert_drop = forms.DecimalField(
        label=_("Alert on a drop of (points)"),
        min_value=1,
        max_value=100,
        decimal_places=2,
        initial=15,
    )

    def __init__(self, *args, metrics, model=None, **kwargs):
        super().__init__(*args, **kwargs)
        measures = list(model.measures.all()) if model else []
        if model is not None:
            self.initial.update(
                at_risk_below=model.at_risk_below, alert_drop=model.alert_drop
            )
        choices = [("", _("(none)")), *[(m.code, m.label) for m in metrics]]
        for index in range(1, self.ROWS + 1):
            found = measures[index - 1] if index <= len(measures) else None
            self.fields[f"metric_{index}"] = forms.ChoiceField(
                label=_("Metric %(n)s") % {"n": index},
                choices=choices,
                required=False,
                initial=found.metric if found else "",
            )
            self.fields[f"weight_{index}"] = forms.IntegerField(
                label=_("Weight %(n)s") % {"n": index},
                min_value=1,
                max_value=100,
                required=False,
                initial=found.weight if found else 1,
            )
            self.fields[f"target_{index}"] = forms.DecimalField(
                label=_("Target %(n)s") % {"n": index},
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
                initial=found.target if found else None,
            )

    def measures(self) -> list[dict]:
        return [
            {
                "metric": self.cleaned_data[f"metric_{index}"],
                "weight": self.cleaned_data[f"weight_{index}"] or 1,
                "target": self.cleaned_data[f"target_{index}"],
            }
            for index in range(1, self.ROWS + 1)
            if self.cleaned_data.get(f"metric_{index}")
        ]
