"""The form helpers of the pages not yet on ``core.forms`` (the partner profile and
lifecycle pages, the Team and Users pages): Bootstrap classes for
``accounts/_form_fields.html`` and a service's refusal shown on the form."""

from django import forms

from openprm.core.errors import ApplicationError


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's refusal on the form: per field when it names fields the form
    has, else as a form-wide error."""
    placed = False
    for field, messages in error.field_errors.items():
        if field in form.fields:
            for message in messages:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))


class StyledForm(forms.Form):
    """Bootstrap's form-control class on text inputs (see _form_fields.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(
                field.widget, forms.CheckboxSelectMultiple | forms.Select
            ):
                field.widget.attrs.setdefault("class", "form-control")
