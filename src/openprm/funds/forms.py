"""Forms of funds: input only; the rules are in the services, whose field errors
are added back to these forms (``core.forms.ServiceForm``). Text a service checks
itself (a reason) is optional here, so that the service's own words say what is
missing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import CurrencyField, MultipleFileField, ServiceForm
from openprm.funds.choices import AllocationMethod, FundKind, PayoutMethod

LINE_ROWS = 4
DATE = forms.DateInput(attrs={"type": "date"})


class FiscalYearForm(ServiceForm):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year"), min_value=2000, max_value=2100
    )


class FundForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    currency = CurrencyField(label=_("Currency"))


class ActivityTypeForm(ServiceForm):
    name = forms.CharField(label=_("Name"), max_length=80)
    is_active = forms.BooleanField(
        label=_("Offered to partners"), required=False, initial=True
    )


class BudgetForm(ServiceForm):
    fund = forms.ChoiceField(label=_("Fund"))
    period = forms.ChoiceField(label=_("Period"))
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    is_shared_pool = forms.BooleanField(
        label=_(
            "Shared pool: partners draw what is not allocated, first come first served"
        ),
        required=False,
    )
    carry_over_percent = forms.IntegerField(
        label=_("Unused allocations carried into the next period (%)"),
        min_value=0,
        max_value=100,
        initial=0,
    )

    def __init__(self, *args, funds=(), periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].choices = [(fund.pk, str(fund)) for fund in funds]
        self.fields["period"].choices = [(period.pk, str(period)) for period in periods]


class AllocationRunForm(ServiceForm):
    method = forms.ChoiceField(label=_("Method"), choices=AllocationMethod.choices)
    amount = forms.DecimalField(
        label=_("Amount per partner"), required=False, min_value=0, decimal_places=2
    )

    percent = forms.DecimalField(
        label=_("Percentage of reported sales (co-op accrual)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )

    def __init__(self, *args, tiers=(), accrues: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not accrues:
            del self.fields["percent"]
            self.fields["method"].choices = [
                choice
                for choice in AllocationMethod.choices
                if choice[0] != AllocationMethod.ACCRUAL
            ]
        self.tier_names = list(tiers)
        for index, tier in enumerate(self.tier_names):
            self.fields[f"tier{index}"] = forms.DecimalField(
                label=_("Amount for %(tier)s") % {"tier": tier},
                required=False,
                min_value=0,
                decimal_places=2,
            )

    def amounts(self) -> dict:
        data = self.cleaned_data
        if data["method"] == AllocationMethod.FIXED:
            return {"amount": data.get("amount")}
        if data["method"] == AllocationMethod.ACCRUAL:
            return {"percent": data.get("percent")}
        return {
            tier: data.get(f"tier{index}") for index, tier in enumerate(self.tier_names)
        }

    def service_field(self, name: str) -> str | None:
        return {"amounts": None, "method": "method", "percent": "percent"}.get(name)


class RequestForm(ServiceForm):
    budget = forms.ChoiceField(label=_("Fund and period"))
    activity_type = forms.ChoiceField(label=_("Activity"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    expected_leads = forms.IntegerField(
        label=_("Expected leads"), min_value=0, initial=0
    )
    expected_revenue = forms.DecimalField(
        label=_("Expected revenue"), min_value=0, decimal_places=2, initial=0
    )
    plan = forms.FileField(label=_("Plan (PDF, Word, PowerPoint…)"), required=False)

    def __init__(self, *args, budgets=(), activity_types=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget"].choices = [
            (budget.pk, f"{budget.fund} · {budget.period} ({budget.fund.currency})")
            for budget in budgets
        ]
        self.fields["activity_type"].choices = [
            (item.pk, item.name) for item in activity_types
        ]
        for index in range(LINE_ROWS):
            self.fields[f"line{index}_description"] = forms.CharField(
                label=_("Planned cost %(number)d") % {"number": index + 1},
                max_length=200,
                required=False,
                # Added after StyledForm styled the others: the same box.
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields[f"line{index}_amount"] = forms.DecimalField(
                label=_("Amount %(number)d") % {"number": index + 1},
                required=False,
                min_value=0,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "description": data.get(f"line{index}_description", ""),
                "amount": ""
                if data.get(f"line{index}_amount") is None
                else data[f"line{index}_amount"],
            }
            for index in range(LINE_ROWS)
        ]

    def service_field(self, name: str) -> str | None:
        if name == "lines":
            return "line0_description"
        return name if name in self.fields else None


class ClaimForm(ServiceForm):
    amount = forms.DecimalField(
        label=_("Amount claimed"), min_value=0, decimal_places=2
    )
    description = forms.CharField(
        label=_("What was done"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    invoices = MultipleFileField(label=_("Invoices"), required=False)
    proofs = MultipleFileField(
        label=_("Proof of performance (photos, attendee lists, screenshots)"),
        required=False,
    )
    payout_method = forms.ChoiceField(label=_("Paid as"), choices=PayoutMethod.choices)
    is_final = forms.BooleanField(
        label=_("This is the last claim: release what is left"), required=False
    )


class ReasonForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(ServiceForm):
    reference = forms.CharField(
        label=_("Payment reference"), max_length=100, required=False
    )


class AttributionForm(ServiceForm):
    target = forms.ChoiceField(label=_("Deal or lead this activity produced"))

    def __init__(self, *args, deals=(), leads=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            *[
                (f"deal:{deal.public_id}", _("Deal: %(t)s") % {"t": deal.title})
                for deal in deals
            ],
            *[
                (f"lead:{lead.public_id}", _("Lead: %(t)s") % {"t": lead.company})
                for lead in leads
            ],
        ]
