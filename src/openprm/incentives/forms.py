"""Forms of the incentives pages: input only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core import tabular
from openprm.core.forms import ServiceForm
from openprm.incentives import fulfilment
from openprm.incentives.choices import (
    FULFILMENT_STEPS,
    CapPeriod,
    RewardKind,
    RuleBasis,
)
from openprm.incentives.services import BEHAVIOUR_EVENTS
from openprm.partners.pickers import PartnerPickerField

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FileForm(ServiceForm):
    """A CSV or XLSX file; its type and size are checked here, its rows later."""

    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            tabular.check_name(upload.name, upload.size)
        except tabular.FileProblem as problem:
            raise forms.ValidationError(problem.text) from None
        return upload

    def service_field(self, name: str) -> str | None:
        return "file"


class ProductImportForm(FileForm):
    pass


class SalesUploadForm(FileForm):
    pass


class ConsoleSalesUploadForm(FileForm):
    partner = PartnerPickerField(help_text=_("The partner that sold."))

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].set_partners(partners)
        self.order_fields(["partner", "file"])

    def service_field(self, name: str) -> str | None:
        return name if name in self.fields else "file"


class EarningRuleForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    basis = forms.ChoiceField(label=_("Pays"), choices=RuleBasis.choices)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=None, required=False, to_field_name="public_id"
    )
    product_line = forms.CharField(
        label=_("Product line"),
        max_length=100,
        required=False,
        help_text=_("Instead of one product: every product of this line."),
    )
    event_name = forms.ChoiceField(
        label=_("Event"),
        choices=[("", "—"), *BEHAVIOUR_EVENTS.items()],
        required=False,
    )
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=12,
        decimal_places=4,
        help_text=_("Per unit, per unit of reporting currency, or per event."),
    )
    cap_points = forms.IntegerField(
        label=_("Cap (points)"), required=False, min_value=1
    )
    cap_period = forms.ChoiceField(
        label=_("Cap period"), choices=CapPeriod.choices, required=False
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("Empty: every partner."),
    )
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=DATE_INPUT)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, products, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        self.fields["audience"].queryset = audiences


class AdjustForm(ServiceForm):
    points = forms.IntegerField(
        label=_("Points"), help_text=_("Negative to take points away.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RewardForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    points_price = forms.IntegerField(label=_("Price in points"), min_value=1)
    stock = forms.IntegerField(
        label=_("In stock"),
        min_value=0,
        required=False,
        help_text=_("Empty: unlimited."),
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("Empty: every partner."),
    )
    is_active = forms.BooleanField(label=_("Offered"), required=False, initial=True)
    fulfilment_provider = forms.ChoiceField(
        label=_("Fulfilment"), required=False, choices=()
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=RewardKind.choices, initial=RewardKind.GOODS
    )
    mdf_budget = forms.ModelChoiceField(
        label=_("Funds budget"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("Convert to MDF: the budget each redemption draws from."),
    )
    mdf_amount = forms.DecimalField(
        label=_("Funds per redemption"),
        required=False,
        max_digits=13,
        decimal_places=2,
        help_text=_(
            "Convert to MDF: credited to the partner's allocation, in the "
            "budget's currency."
        ),
    )

    def __init__(self, *args, audiences, budgets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences
        self.fields["mdf_budget"].queryset = budgets
        self.fields["fulfilment_provider"].choices = [
            ("", _("The default provider")),
            *fulfilment.choices(),
        ]


class FulfilmentReportForm(ServiceForm):
    """What became of an order, as a vendor user reports it."""

    status = forms.ChoiceField(
        label=_("What happened"),
        choices=[(status, status.label) for status in FULFILMENT_STEPS],
    )
    tracking = forms.CharField(label=_("Tracking"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class FulfilmentSettingForm(ServiceForm):
    """One provider's options (its own fields) and whether it is the default."""

    is_default = forms.BooleanField(
        label=_("Fulfils the rewards that name no provider"), required=False
    )

    def __init__(self, *args, provider, setting=None, **kwargs):
        options = setting.options if setting else {}
        super().__init__(
            *args,
            initial={
                "is_default": bool(setting and setting.is_default),
                **{f"option_{k}": v for k, v in options.items()},
            },
            prefix=provider.name,
            **kwargs,
        )
        self.provider = provider
        for option in provider.option_fields:
            self.fields[f"option_{option.name}"] = forms.ChoiceField(
                label=option.label,
                choices=[("", "—"), *option.choices()],
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def options(self) -> dict:
        return {
            option.name: self.cleaned_data.get(f"option_{option.name}", "")
            for option in self.provider.option_fields
        }


class StatusImportForm(FileForm):
    pass


class IncentiveSettingsForm(ServiceForm):
    redemption_approval_above = forms.IntegerField(
        label=_("Approve redemptions above (points)"),
        required=False,
        min_value=0,
        help_text=_(
            "An order of a reward priced above this waits for approval in the "
            "Rewards queue, its points held meanwhile. 0: never. Empty: the "
            "server's default."
        ),
    )
