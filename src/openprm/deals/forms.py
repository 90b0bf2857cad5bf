"""Forms of deal registration and review: input only; the rules are in the services,
whose field errors are added back to these forms (``core.forms.ServiceForm``).

Text a service checks itself (a reason, a question) is optional here, so that the
service's own words say what is missing."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from openprm.core import iso
from openprm.core.forms import ServiceForm
from openprm.partners.choices import specialisation_choices

LINE_ROWS = 3


class DealRegistrationForm(ServiceForm):
    title = forms.CharField(label=_("Opportunity"), max_length=200)
    customer_name = forms.CharField(label=_("Customer company"), max_length=200)
    customer_domain = forms.CharField(
        label=_("Customer web domain"),
        max_length=253,
        required=False,
        help_text=_("e.g. example.com"),
    )
    customer_country = forms.ChoiceField(label=_("Customer country"), required=False)
    contact_name = forms.CharField(
        label=_("Contact name"), max_length=200, required=False
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    currency = forms.ChoiceField(label=_("Currency"))
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    stage = forms.ChoiceField(label=_("Stage"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    competitor = forms.CharField(label=_("Competitor"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, stages=(), partner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer_country"].choices = [("", "—"), *iso.country_choices()]
        self.fields["currency"].choices = iso.currency_choices()
        # The partner's own currency until they choose another.
        self.fields["currency"].initial = iso.currency_for_country(
            partner.country if partner else "",
            default=settings.OPENPRM_REPORTING_CURRENCY,
        )
        self.fields["stage"].choices = [(stage.pk, stage.name) for stage in stages]
        product_lines = [("", "—"), *specialisation_choices()]
        for index in range(LINE_ROWS):
            # The lines are a table with one header per column: each input is
            # named for assistive technology by its column and line.
            def named(column, index=index):
                return _("%(column)s, line %(number)d") % {
                    "column": column,
                    "number": index + 1,
                }

            self.fields[f"line{index}_product_line"] = forms.ChoiceField(
                label=_("Product line"),
                choices=product_lines,
                required=index == 0,
                widget=forms.Select(
                    attrs={
                        "class": "form-select",
                        "aria-label": named(_("Product line")),
                    }
                ),
            )
            self.fields[f"line{index}_quantity"] = forms.IntegerField(
                label=_("Quantity"),
                min_value=1,
                required=False,
                initial=1,
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "aria-label": named(_("Quantity"))}
                ),
            )
            self.fields[f"line{index}_amount"] = forms.DecimalField(
                label=_("Amount"),
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "aria-label": named(_("Amount"))}
                ),
            )

    def line_rows(self):
        return [
            (
                self[f"line{index}_product_line"],
                self[f"line{index}_quantity"],
                self[f"line{index}_amount"],
            )
            for index in range(LINE_ROWS)
        ]

    def line_names(self) -> list[str]:
        """The product line fields, which the page lays out as a table."""
        return [name for name in self.fields if name.startswith("line")]

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "product_line": data[f"line{index}_product_line"],
                "quantity": data.get(f"line{index}_quantity") or 1,
                "amount": data.get(f"line{index}_amount") or 0,
            }
            for index in range(LINE_ROWS)
            if data.get(f"line{index}_product_line")
        ]

    def registration(self, stages) -> dict:
        """The service's arguments from the cleaned data (``stages``: the choices)."""
        data = dict(self.cleaned_data)
        attachment = data.pop("attachment", None)
        stage_id = data.pop("stage")
        for name in self.line_names():
            data.pop(name, None)
        return {
            **data,
            "stage": next(stage for stage in stages if str(stage.pk) == stage_id),
            "lines": self.lines(),
            "attachments": [attachment] if attachment else [],
        }

    def service_field(self, name: str) -> str | None:
        # The service names lines by position ("lines.0.amount") and its files
        # "attachments"; the form has one field per line and column.
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "lines":
            name = f"line{parts[1]}_{parts[2]}"
        elif name == "lines":
            name = "line0_product_line"
        elif name == "attachments":
            name = "attachment"
        return super().service_field(name)


class QuestionForm(ServiceForm):
    question = forms.CharField(
        label=_("Ask for more information"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(ServiceForm):
    answer = forms.CharField(
        label=_("Answer the reviewer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RejectForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtensionDecisionForm(ServiceForm):
    decision = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("reject", _("Refuse"))]
    )


class ExtensionForm(ServiceForm):
    days = forms.IntegerField(label=_("Extra days"), min_value=1, max_value=365)
    reason = forms.CharField(
        label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class WonForm(ServiceForm):
    amount = forms.DecimalField(
        label=_("Final amount"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to keep the registered amount."),
    )
    won_on = forms.DateField(
        label=_("Won on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class LostForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why was it lost?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
