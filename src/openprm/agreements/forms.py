"""Forms of the agreement pages: input only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm


class AgreementCreateForm(ServiceForm):
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, to_field_name="public_id"
    )
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes


class VersionPublishForm(ServiceForm):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    accept_by = forms.DateField(
        label=_("Partners accept by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class AcceptForm(ServiceForm):
    name = forms.CharField(label=_("Your full name"), required=False, max_length=200)
    title = forms.CharField(label=_("Your job title"), required=False, max_length=200)
    text_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)
