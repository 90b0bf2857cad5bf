"""Forms of the partner lifecycle pages: status change, move, duplicate search,
merge."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.core.forms import ServiceForm, StyledForm
from openprm.partners.choices import PartnerStatus
from openprm.partners.lifecycle.transitions import allowed_targets


class StatusChangeForm(ServiceForm):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail and sent with the event."),
    )

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(PartnerStatus.choices)
        self.fields["status"].choices = [
            (status, labels[status]) for status in allowed_targets(current)
        ]


class MoveForm(ServiceForm):
    parent = forms.UUIDField(
        label=_("New parent partner"),
        required=False,
        help_text=_("Leave empty to place the partner at the top."),
    )


class DuplicateSearchForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    website = forms.CharField(
        label=_("Website or domain"), max_length=200, required=False
    )


class MergeForm(forms.Form):
    duplicate = forms.UUIDField()
