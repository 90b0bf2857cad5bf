"""Models of onboarding: programme questions, approval queues, routing rules,
approval steps, and the applications that go through them."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.formatting import choice_label, choice_labels
from openprm.core.models import TimeStampedModel
from openprm.onboarding.choices import ActionKind, ApplicationStatus, QuestionKind
from openprm.partners.choices import PartnerType, Region


def _user(on_delete, verbose_name=None) -> models.ForeignKey:
    """An optional vendor user (an approver, an escalation target)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def _queue(on_delete, verbose_name=None) -> models.ForeignKey:
    """An optional approval queue."""
    return models.ForeignKey(
        "ApprovalQueue",
        on_delete=on_delete,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


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


class ApprovalQueue(TimeStampedModel):
    """A group of vendor users who share applications: any member may act."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="approval_queues", blank=True
    )
    # Where an application goes when no routing rule matches.
    is_fallback = models.BooleanField(_("fallback queue"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_fallback"],
                condition=Q(is_fallback=True),
                name="onboarding_queue_one_fallback",
            ),
        ]

    def __str__(self) -> str:
        return self.name


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


class ApprovalStep(TimeStampedModel):
    """One level of a programme's approval chain (e.g. channel manager, then
    legal). A step with neither approver nor queue goes to the routed target."""

    programme = models.ForeignKey(
        "programs.Programme", on_delete=models.CASCADE, related_name="approval_steps"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    user = _user(models.PROTECT, _("approver"))
    queue = _queue(models.PROTECT, _("queue"))
    sla_business_days = models.PositiveSmallIntegerField(
        _("SLA (business days)"), default=2
    )
    escalate_to_user = _user(models.PROTECT, _("escalate to (user)"))
    escalate_to_queue = _queue(models.PROTECT, _("escalate to (queue)"))

    class Meta:
        ordering = ["programme_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="onboarding_step_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=True) | Q(queue__isnull=True),
                name="onboarding_step_at_most_one_target",
            ),
            models.CheckConstraint(
                condition=Q(escalate_to_user__isnull=True)
                | Q(escalate_to_queue__isnull=True),
                name="onboarding_step_at_most_one_escalation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


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
    routed_user = _user(models.SET_NULL)
    routed_queue = _queue(models.SET_NULL)
    # --- where it stands
    step_position = models.PositiveSmallIntegerField(default=1)
    step_name = models.CharField(max_length=100, blank=True)
    assignee = _user(models.SET_NULL, _("approver"))
    queue = _queue(models.SET_NULL, _("queue"))
    step_started_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    info_request = models.TextField(blank=True)
    # Bumped on each request so that an old answer link stops working.
    info_round = models.PositiveSmallIntegerField(default=0)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    invitation = models.ForeignKey(
        "tenancy.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="onboarding_app_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="onboarding_application_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.company

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


class ApplicationAction(models.Model):
    """One line of an application's history: who did what at which step."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(max_length=16, choices=ActionKind.choices)
    step_position = models.PositiveSmallIntegerField(default=0)
    step_name = models.CharField(max_length=100, blank=True)
    actor = _user(models.SET_NULL)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.step_name})"
