"""Models of the approval engine: queues of approvers, the steps of each subject
kind's chains (chosen by rules), the requests that go through them with their
history, and delegations while an approver is away."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accounts.choices import VendorRole
from openprm.approvals.choices import ActionKind, RequestStatus
from openprm.core.formatting import choice_labels
from openprm.core.models import TimeStampedModel
from openprm.partners.choices import PartnerType


def optional_user(on_delete, verbose_name=None) -> models.ForeignKey:
    """An optional vendor user (an approver, an escalation target)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def optional_queue(on_delete, verbose_name=None) -> models.ForeignKey:
    """An optional approval queue."""
    return models.ForeignKey(
        "approvals.Queue",
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


class Queue(TimeStampedModel):
    """A group of vendor users who share approvals: any member may act. Members are
    named, or everyone holding ``vendor_role`` (or both)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="approval_queues", blank=True
    )
    vendor_role = models.CharField(
        _("everyone with the role"),
        max_length=32,
        choices=VendorRole.choices,
        blank=True,
    )
    # Takes a step that names nobody when its subject did not route it either.
    is_fallback = models.BooleanField(_("fallback queue"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_fallback"],
                condition=Q(is_fallback=True),
                name="approvals_queue_one_fallback",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChainStep(TimeStampedModel):
    """One level of the approval chain of a subject kind (e.g. channel manager, then
    legal). A request's chain is the steps of its kind whose conditions hold for it,
    in ``position`` order; an empty condition always holds. A step with neither
    approver nor queue goes to the target its subject routed it to."""

    kind = models.CharField(_("subject kind"), max_length=64)
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    # --- conditions (the rules that choose the step)
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="approval_steps",
        verbose_name=_("programme"),
    )
    regions = models.JSONField(_("regions"), default=list, blank=True)
    partner_types = models.JSONField(_("partner types"), default=list, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    # Amount band [min_amount, max_amount) in ``currency``; either end may be open.
    min_amount = models.DecimalField(
        _("from amount"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("below amount"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    # --- who acts, and how fast
    user = optional_user(models.PROTECT, _("approver"))
    queue = optional_queue(models.PROTECT, _("queue"))
    sla_business_days = models.PositiveSmallIntegerField(
        _("SLA (business days)"), default=2
    )
    escalate_to_user = optional_user(models.PROTECT, _("escalate to (user)"))
    escalate_to_queue = optional_queue(models.PROTECT, _("escalate to (queue)"))

    class Meta:
        ordering = ["kind", "programme_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "programme", "position"],
                name="approvals_step_position_unique",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(queue__isnull=True),
                name="approvals_step_at_most_one_target",
            ),
            models.CheckConstraint(
                condition=Q(escalate_to_user__isnull=True)
                | Q(escalate_to_queue__isnull=True),
                name="approvals_step_at_most_one_escalation",
            ),
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True)
                | Q(max_amount__isnull=True)
                | Q(max_amount__gt=F("min_amount")),
                name="approvals_step_band_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Request(TimeStampedModel):
    """One subject (an application, a fund request, a claim…) going through its
    approval chain: the facts the rules read, the current step and its SLA."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # --- the subject: a registered kind (approvals.subjects) and its object's id
    kind = models.CharField(_("subject kind"), max_length=64)
    object_id = models.CharField(max_length=64)
    subject_label = models.CharField(_("subject"), max_length=200)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    # --- the facts the rules read
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    region = models.CharField(_("region"), max_length=8, blank=True)
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    partner_types = models.JSONField(_("partner types"), default=list, blank=True)
    # --- where the subject's own routing sent it (steps naming nobody go there)
    routed_user = optional_user(models.SET_NULL)
    routed_queue = optional_queue(models.SET_NULL)
    # --- where it stands
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.IN_REVIEW,
    )
    step_position = models.PositiveSmallIntegerField(default=1)
    step_name = models.CharField(_("step"), max_length=100, blank=True)
    assignee = optional_user(models.SET_NULL, _("approver"))
    queue = optional_queue(models.SET_NULL, _("queue"))
    step_started_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    info_request = models.TextField(blank=True)
    # Bumped on each request for information, so an old answer link stops working.
    info_round = models.PositiveSmallIntegerField(default=0)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Bumped by every move: a move is a conditional UPDATE on the version read, so
    # two approvers acting at once cannot both advance the same step.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="approvals_request_due_idx"),
            models.Index(fields=["kind", "object_id"], name="approvals_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values),
                name="approvals_request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_label

    @property
    def owning_partner_id(self) -> int | None:
        return self.partner_id

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.IN_REVIEW, RequestStatus.INFO_REQUESTED)

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status == RequestStatus.IN_REVIEW
            and self.due_at
            and self.due_at <= timezone.now()
        )

    @property
    def partner_types_display(self) -> str:
        return choice_labels(self.partner_types, PartnerType)


class Action(models.Model):
    """One line of a request's history: who did what, at which step, and why."""

    request = models.ForeignKey(
        Request, on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    step_position = models.PositiveSmallIntegerField(default=0)
    step_name = models.CharField(max_length=100, blank=True)
    actor = optional_user(models.SET_NULL)
    # The absent approver a delegate acted for.
    on_behalf_of = optional_user(models.SET_NULL)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.step_name})"


class Delegation(TimeStampedModel):
    """While ``user`` is away (``starts_on``..``ends_on``, inclusive), ``delegate``
    sees and acts on what waits on ``user``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="approval_delegations",
        verbose_name=_("away"),
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="approval_delegations_received",
        verbose_name=_("delegate"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="approvals_delegation_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(user=F("delegate")),
                name="approvals_delegation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.delegate}"
