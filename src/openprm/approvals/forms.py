from django import forms
from django.utils.translation import gettext_lazy as _

from openprm.approvals import subjects
from openprm.approvals.choices import QueueView, RequestStatus
from openprm.approvals.selectors import (
    approver_choices,
    delegate_choices,
    queue_choices,
)
from openprm.core.forms import ServiceForm, StyledForm
from openprm.partners.choices import PartnerType, Region
from openprm.programs.models import Programme


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


class ChainStepForm(ServiceForm):
    """One step of a chain: its name, the conditions that choose it, who acts."""

    name = forms.CharField(label=_("Name"), max_length=100)
    user = forms.ModelChoiceField(
        label=_("Approver"),
        queryset=approver_choices(),
        required=False,
        empty_label=_("Nobody named (a queue, or the default queue)"),
    )
    queue = forms.ModelChoiceField(
        label=_("Queue"), queryset=queue_choices(), required=False
    )
    sla_business_days = forms.IntegerField(
        label=_("SLA (business days)"), min_value=1, max_value=60, initial=2
    )
    currency = forms.CharField(
        label=_("Currency of the amount band"), max_length=3, required=False
    )
    min_amount = forms.DecimalField(
        label=_("From amount"), required=False, min_value=0, decimal_places=3
    )
    max_amount = forms.DecimalField(
        label=_("Below amount"), required=False, min_value=0, decimal_places=3
    )
    regions = forms.MultipleChoiceField(
        label=_("Only for partners in these regions"),
        choices=Region.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_types = forms.MultipleChoiceField(
        label=_("Only for these partner types"),
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    programme = forms.ModelChoiceField(
        label=_("Only for the programme"),
        queryset=Programme.objects.order_by("name"),
        required=False,
        empty_label=_("Any programme"),
    )

    @classmethod
    def for_step(cls, step):
        return cls(
            initial={
                "name": step.name,
                "user": step.user_id,
                "queue": step.queue_id,
                "sla_business_days": step.sla_business_days,
                "currency": step.currency,
                "min_amount": step.min_amount,
                "max_amount": step.max_amount,
                "regions": step.regions,
                "partner_types": step.partner_types,
                "programme": step.programme_id,
            }
        )
