"""The filters of the pipeline pages (GET, every field optional)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import StyledForm
from openprm.core.web import CONSOLE
from openprm.deals.pipeline.selectors import PipelineFilters
from openprm.partners.choices import Region
from openprm.partners.pickers import PartnerPickerField


class PipelineFilterForm(StyledForm):
    compact = True

    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("All regions")), *Region.choices],
    )
    partner = PartnerPickerField(required=False, empty_label=_("All partners"))
    close_from = forms.DateField(
        label=_("Closing from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    close_to = forms.DateField(
        label=_("Closing until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(
        self, *args, partners=None, regions: bool = True, area=CONSOLE, **kwargs
    ):
        """``partners``: those the reader may narrow to (none: no partner
        filter), searched through ``area``'s picker endpoint."""
        super().__init__(*args, **kwargs)
        if not regions:
            del self.fields["region"]
        if partners is None:
            del self.fields["partner"]
        else:
            self.fields["partner"].set_partners(partners, area=area)

    def clean(self):
        data = super().clean()
        close_from, close_to = data.get("close_from"), data.get("close_to")
        if close_from and close_to and close_from > close_to:
            self.add_error("close_to", _("The end comes before the start."))
        return data

    def filters(self) -> PipelineFilters:
        """The valid filters; an invalid field does not filter."""
        self.is_valid()
        data = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }
        return PipelineFilters(
            region=data.get("region") or "",
            partner_id=data.get("partner"),
            close_from=data.get("close_from"),
            close_to=data.get("close_to"),
        )
