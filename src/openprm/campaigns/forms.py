"""Forms of the campaign pages: input only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.campaigns.selectors import programme_choices, segment_choices
from openprm.core.forms import ServiceForm

MERGE_HELP = _(
    "Merge fields: {{ company }}, {{ contact }}, {{ programme }}. The link to apply "
    "and an unsubscribe link are added below the message."
)


class CampaignForm(ServiceForm):
    """A campaign's draft; the service checks the merge fields."""

    name = forms.CharField(label=_("Name"), max_length=200)
    segment = forms.ModelChoiceField(
        label=_("Segment or list"),
        queryset=None,
        help_text=_("Its prospects with a contact email address receive the campaign."),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=None,
        help_text=_("The link in the email opens this programme's application form."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea({"rows": 10}), help_text=MERGE_HELP
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].queryset = segment_choices()
        self.fields["programme"].queryset = programme_choices()


class ScheduleForm(ServiceForm):
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        help_text=_("Leave empty to send now."),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
