"""Forms of the announcement pages: input only; the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm

DATETIME_INPUT = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)


class AnnouncementForm(ServiceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "HTML: paragraphs, headings, lists, links, quotes, code, tables and "
            "https images. Anything else (scripts, styles) is removed when it is saved."
        ),
    )
    audience = forms.ModelChoiceField(
        label=_("Audience"), queryset=None, to_field_name="public_id"
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Empty: a draft. In the past or now: published on saving."),
    )
    expires_at = forms.DateTimeField(
        label=_("Expires at"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Empty: shown until it is changed."),
    )
    is_pinned = forms.BooleanField(label=_("Pinned on top"), required=False)
    requires_acknowledgement = forms.BooleanField(
        label=_("Readers must acknowledge it"),
        required=False,
        help_text=_("Those who have not are reminded."),
    )
    sends_notification = forms.BooleanField(
        label=_("Notify the audience (in the app and by email)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, audiences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audience"].queryset = audiences
