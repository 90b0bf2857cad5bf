from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.approvals import subjects
from openprm.approvals.choices import QueueView, RequestStatus
from openprm.approvals.selectors import delegate_choices
from openprm.core.forms import ServiceForm, StyledForm


class QueueFilterForm(StyledForm):
    """The approvals page's filters (GET)."""

    view = forms.ChoiceField(label=_("Show"), choices=QueueView.choices, required=False)
    kind = forms.ChoiceField(label=_("What"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *RequestStatus.choices],
        required=False,
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything"))] + [
            (kind.key, kind.label) for kind in subjects.registered()
        ]


class NoteForm(ServiceForm):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason (the requester receives it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InfoRequestForm(ServiceForm):
    question = forms.CharField(
        label=_("What should the requester tell you?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DelegationForm(ServiceForm):
    """An absence: who stands in, from when until when (inclusive)."""

    delegate = forms.ModelChoiceField(
        label=_("Who stands in for you"), queryset=delegate_choices()
    )
    starts_on = forms.DateField(
        label=_("Away from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until (inclusive)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["delegate"].queryset = delegate_choices().exclude(pk=user.pk)
