"""The scheduled report form: the report's own filters (its kind's form, each
field named ``filter_<name>``), its format, its schedule and its recipients."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm
from openprm.reports import selectors
from openprm.reports.choices import Frequency, ReportFormat, Weekday
from openprm.reports.registry import ReportKind

FILTER_PREFIX = "filter_"


class SavedReportForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    file_format = forms.ChoiceField(
        label=_("Sent as"),
        choices=ReportFormat.choices,
        initial=ReportFormat.XLSX,
        widget=forms.RadioSelect,
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekly, on"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        initial=Weekday.MONDAY,
    )
    day_of_month = forms.IntegerField(
        label=_("Monthly, on day"),
        min_value=1,
        max_value=31,
        required=False,
        initial=1,
        help_text=_("A shorter month sends it on its last day."),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Recipients"),
        queryset=None,
        to_field_name="public_id",
        help_text=_(
            "Vendor staff. Each receives the figures they may see in the console."
        ),
    )

    def __init__(self, *args, kind: ReportKind, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["recipients"].queryset = selectors.recipient_choices()
        self.fields["recipients"].widget.attrs["size"] = 6
        self.filter_names = []
        for name, field in kind.form(None, user=user).fields.items():
            self.fields[f"{FILTER_PREFIX}{name}"] = field
            self.filter_names.append(name)
        self.order_fields(
            [
                "name",
                *[f"{FILTER_PREFIX}{name}" for name in self.filter_names],
                "file_format",
                "frequency",
                "weekday",
                "day_of_month",
                "recipients",
            ]
        )

    def filters(self) -> dict:
        """The filters as submitted (text), for the service to check and keep."""
        return {
            name: self.data.get(f"{FILTER_PREFIX}{name}", "")
            for name in self.filter_names
        }

    def service_field(self, name: str) -> str | None:
        if name.startswith("filters."):
            name = f"{FILTER_PREFIX}{name.removeprefix('filters.')}"
        return name if name in self.fields else None


def initial_for(filters: dict) -> dict:
    """A form's initial values from a report's filters (or a page's query)."""
    return {f"{FILTER_PREFIX}{name}": value for name, value in filters.items()}
