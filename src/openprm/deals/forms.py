"""Forms of deal registration and review: input only; the rules are in the services,
whose field errors are added back to these forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.partners.choices import specialisation_choices
from openprm.programs.forms import ServiceErrorsForm

LINE_ROWS = 3


class DealRegistrationForm(ServiceErrorsForm):
    title = forms.CharField(label=_("Opportunity"), max_length=200)
    customer_name = forms.CharField(label=_("Customer company"), max_length=200)
    customer_domain = forms.CharField(
        label=_("Customer web domain"),
        max_length=253,
        required=False,
        help_text=_("e.g. example.com"),
    )
    customer_country = forms.CharField(
        label=_("Customer country (ISO code)"), max_length=2, required=False
    )
    contact_name = forms.CharField(
        label=_("Contact name"), max_length=200, required=False
    )
    contact_email = forms.EmailField(label=_("Contact email"), required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD")
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    stage = forms.ChoiceField(label=_("Stage"))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    competitor = forms.CharField(label=_("Competitor"), max_length=200, required=False)
    attachment = forms.FileField(label=_("Attachment"), required=False)

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(stage.pk, stage.name) for stage in stages]
        product_lines = [("", "—"), *specialisation_choices()]
        for index in range(LINE_ROWS):
            self.fields[f"line{index}_product_line"] = forms.ChoiceField(
                label=_("Product line"),
                choices=product_lines,
                required=index == 0,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"line{index}_quantity"] = forms.IntegerField(
                label=_("Quantity"),
                min_value=1,
                required=False,
                initial=1,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
            )
            self.fields[f"line{index}_amount"] = forms.DecimalField(
                label=_("Amount"),
                min_value=0,
                max_digits=14,
                decimal_places=2,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control"}),
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

    def main_fields(self):
        return [self[name] for name in self.fields if not name.startswith("line")]

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

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        attachment = data.pop("attachment", None)
        data.pop("stage")
        for name in list(data):
            if name.startswith("line"):
                data.pop(name)
        return {**data, "attachments": [attachment] if attachment else []}

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        mapped = {}
        for key, messages in field_errors.items():
            parts = key.split(".")
            if len(parts) == 3 and parts[0] == "lines":
                key = f"line{parts[1]}_{parts[2]}"
            elif key == "lines":
                key = "line0_product_line"
            elif key == "attachments":
                key = "attachment"
            mapped.setdefault(key, []).extend(messages)
        super().add_service_errors(mapped)


class QuestionForm(ServiceErrorsForm):
    question = forms.CharField(
        label=_("What do you need to know?"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(ServiceErrorsForm):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 3})
    )


class RejectForm(ServiceErrorsForm):
    reason = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtensionForm(ServiceErrorsForm):
    days = forms.IntegerField(label=_("Extra days"), min_value=1, max_value=365)
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))


class WonForm(ServiceErrorsForm):
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


class LostForm(ServiceErrorsForm):
    reason = forms.CharField(
        label=_("Why was it lost?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
