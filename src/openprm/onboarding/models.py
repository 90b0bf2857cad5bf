"""Models of onboarding: programme questions, routing rules, and the applications
that go through their approval chain. The chain, its queues, the state of each
application's approval and its history live in the approval engine
(``openprm.approvals``); ``ApprovalQueue`` and ``ApprovalStep`` are onboarding's
views of the engine's queues and of the steps of its application kind."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.approvals.models import (
    Action,
    ChainStep,
    Queue,
    optional_queue,
    optional_user,
)
from openprm.core.formatting import choice_label, choice_labels
from openprm.core.models import TimeStampedModel
from openprm.onboarding.choices import ApplicationStatus, QuestionKind
from openprm.partners.choices import PartnerType, Region

# The approval engine's subject kind of applications (see hooks.py).
APPLICATION_KIND = "onboarding.application"
_user, _queue = optional_user, optional_queue


class ApplicationQuestion(TimeStampedModel):
    """A question of a programme's public application form (answers are stored in
    ``Application.answers`` under ``key`` and checked by questions.py)."""

    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.CASCADE, related_name="questions"
    )
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=255, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["programme_id", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "key"], name="onboarding_question_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values),
                name="onboarding_question_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class ApprovalQueue(Queue):
    """An approval queue of the engine, as onboarding's configuration names it."""

    class Meta:
        proxy = True


def _one_target(prefix: str = "") -> Q:
    user, queue = f"{prefix}user__isnull", f"{prefix}queue__isnull"
    return Q(**{user: False, queue: True}) | Q(**{user: True, queue: False})


class RoutingRule(TimeStampedModel):
    """Sends applications that meet its conditions to an approver or a queue; rules
    are tried in ``position`` order and the first match wins. An empty condition
    list matches anything."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    programme = models.ForeignKey(
        "programs.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programme"),
    )
    regions = models.JSONField(_("regions"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    partner_types = models.JSONField(_("partner types"), default=list, blank=True)
    user = _user(models.PROTECT, _("approver"))
    queue = _queue(models.PROTECT, _("queue"))

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_one_target(), name="onboarding_rule_one_target"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationStepManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=APPLICATION_KIND)


class ApprovalStep(ChainStep):
    """One level of a programme's approval chain (e.g. channel manager, then
    legal): a step of the engine's application kind for one programme. A step
    with neither approver nor queue goes to the routed target."""

    objects = ApplicationStepManager()

    class Meta:
        proxy = True
        ordering = ["programme_id", "position"]

    def save(self, *args, **kwargs):
        # A proxy cannot give the engine's field its own default.
        self.kind = APPLICATION_KIND
        super().save(*args, **kwargs)


def _approval_field(name: str, empty=None) -> property:
    """A field of the application's approval request, read through."""

    def read(application):
        if application.approval_id is None:
            return empty
        return getattr(application.approval, name)

    read.__name__ = name
    return property(read)


class Application(TimeStampedModel):
    """An organisation's request to join a programme, from the public form, and
    where it stands in the programme's approval chain."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.IN_REVIEW,
    )
    # --- what the applicant said
    company = models.CharField(_("company"), max_length=200)
    website = models.CharField(_("website or domain"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=8)
    partner_types = models.JSONField(_("partner types"), default=list)
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    campaign_token = models.CharField(_("campaign token"), max_length=200, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    # The applicant's consent to the privacy notice, and which notice it was.
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    privacy_notice_url = models.URLField(
        _("privacy notice"), max_length=500, blank=True
    )
    # --- what the system found
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("partner"),
    )
    # [{"partner_id", "public_id", "name", "status", "score", "reasons": [...]}]
    duplicates = models.JSONField(_("possible duplicates"), default=list, blank=True)
    routing_rule = models.ForeignKey(
        RoutingRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    routing_reason = models.TextField(_("routing reason"), blank=True)
    # --- where it stands in its approval chain (the engine's request)
    approval = models.OneToOneField(
        "approvals.Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invitation = models.ForeignKey(
        "tenancy.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="onboarding_application_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.company

    routed_user = _approval_field("routed_user")
    routed_queue = _approval_field("routed_queue")
    step_position = _approval_field("step_position", 1)
    step_name = _approval_field("step_name", "")
    assignee = _approval_field("assignee")
    assignee_id = _approval_field("assignee_id")
    queue = _approval_field("queue")
    queue_id = _approval_field("queue_id")
    step_started_at = _approval_field("step_started_at")
    due_at = _approval_field("due_at")
    reminded_at = _approval_field("reminded_at")
    escalation_level = _approval_field("escalation_level", 0)
    info_request = _approval_field("info_request", "")
    info_round = _approval_field("info_round", 0)
    decision_reason = _approval_field("decision_reason", "")
    decided_at = _approval_field("decided_at")

    @property
    def actions(self):
        """The history of the application's approval (the engine's)."""
        if self.approval_id is None:
            return Action.objects.none()
        return self.approval.actions

    @property
    def region_label(self) -> str:
        return choice_label(self.region, Region)

    @property
    def partner_types_display(self) -> str:
        return choice_labels(self.partner_types, PartnerType)

    @property
    def is_open(self) -> bool:
        return self.status in (
            ApplicationStatus.IN_REVIEW,
            ApplicationStatus.INFO_REQUESTED,
        )

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.status == ApplicationStatus.IN_REVIEW
            and self.due_at
            and self.due_at <= timezone.now()
        )
