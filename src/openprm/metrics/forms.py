"""The dashboard's filters (GET, every field optional)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import StyledForm
from openprm.metrics.dashboard import DashboardFilters
from openprm.partners.choices import PartnerType, Region


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
