"""Forms of the webhook pages: input only; the service validates again and decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm, StyledForm
from openprm.core.models import DeliveryStatus
from openprm.integrations.webhooks import rules


class WebhookEndpointForm(ServiceForm):
    """The fields of an endpoint."""

    url = forms.CharField(
        label=_("URL"),
        max_length=rules.MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"placeholder": "https://crm.example.com/hooks"}),
        help_text=_("Deliveries are POSTed here. Redirects are not followed."),
    )
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False
    )
    event_types = forms.CharField(
        label=_("Events"),
        initial="*",
        widget=forms.Textarea(
            attrs={"rows": 3, "class": "form-control font-monospace"}
        ),
        help_text=_(
            "One per line or comma-separated: an event name (partner.created), a "
            'prefix (partner.*) or "*" for every event.'
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if errors := rules.url_errors(url):
            raise forms.ValidationError(errors)
        return url

    def clean_event_types(self) -> list[str]:
        patterns = rules.normalise_patterns(self.cleaned_data["event_types"])
        if errors := rules.pattern_errors(patterns):
            raise forms.ValidationError(errors)
        return patterns


class DeliveryFilterForm(StyledForm):
    compact = True

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *DeliveryStatus.choices],
        required=False,
    )

    def status_value(self) -> str:
        """The chosen status; an unknown one filters nothing."""
        return self.cleaned_data["status"] if self.is_valid() else ""
