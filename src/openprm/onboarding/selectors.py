"""Scoped reads of onboarding: the review queue, an application's page, and the
configuration lists. Vendor admins and channel managers see every application;
other vendor staff see the ones assigned to them or to their queues; partner users
see none."""

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from openprm.accounts.models import User
from openprm.core.errors import NotFound, PermissionDenied
from openprm.onboarding.choices import OPEN_STATUSES, ApplicationStatus
from openprm.onboarding.models import (
    Application,
    ApplicationAction,
    ApplicationQuestion,
    ApprovalQueue,
    ApprovalStep,
    RoutingRule,
)
from openprm.onboarding.services import can_review
from openprm.programs.models import Programme

QUEUE_VIEWS = ("mine", "due", "overdue", "open", "decided", "all")


def _assigned_to(user) -> Q:
    return Q(assignee=user) | Q(queue__members=user)


def applications_visible_to(user) -> QuerySet[Application]:
    if not (user.is_authenticated and user.is_active and user.is_vendor_staff):
        raise PermissionDenied
    applications = Application.objects.all()
    if not can_review(user):
        applications = applications.filter(
            pk__in=Application.objects.filter(_assigned_to(user)).values("pk")
        )
    return applications


@dataclass(frozen=True)
class QueueFilters:
    view: str = "mine"
    programme: UUID | None = None
    status: str = ""


def application_queue(*, user, filters: QueueFilters) -> QuerySet[Application]:
    """The review queue: "mine" (assigned to the user or their queues, open),
    "due" (open, due within the reminder window), "overdue", "open", "decided",
    "all"; soonest due first."""
    applications = applications_visible_to(user).select_related(
        "programme", "assignee", "queue"
    )
    now = timezone.now()
    view = filters.view if filters.view in QUEUE_VIEWS else "mine"
    if view == "mine":
        applications = applications.filter(
            pk__in=Application.objects.filter(_assigned_to(user)).values("pk"),
            status__in=OPEN_STATUSES,
        )
    elif view == "due":
        window = timedelta(hours=settings.OPENPRM_APPLICATION_REMINDER_HOURS)
        applications = applications.filter(
            status=ApplicationStatus.IN_REVIEW, due_at__gt=now, due_at__lte=now + window
        )
    elif view == "overdue":
        applications = applications.filter(
            status=ApplicationStatus.IN_REVIEW, due_at__lte=now
        )
    elif view == "open":
        applications = applications.filter(status__in=OPEN_STATUSES)
    elif view == "decided":
        applications = applications.exclude(status__in=OPEN_STATUSES)
    if filters.programme:
        applications = applications.filter(programme__public_id=filters.programme)
    if filters.status in ApplicationStatus.values:
        applications = applications.filter(status=filters.status)
    if view in ("decided", "all"):
        return applications.order_by("-created_at", "-id")
    return applications.order_by("due_at", "created_at", "id")


def application_get(*, user, public_id) -> Application:
    try:
        return (
            applications_visible_to(user)
            .select_related(
                "programme",
                "assignee",
                "queue",
                "partner",
                "routing_rule",
                "invitation",
            )
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=ApplicationAction.objects.select_related("actor"),
                )
            )
            .get(public_id=public_id)
        )
    except (Application.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def programme_for_application(*, key: str) -> Programme:
    """An active programme by slug or public id, for the public form."""
    programmes = Programme.objects.filter(is_active=True)
    try:
        lookup = Q(public_id=UUID(str(key)))
    except ValueError:
        lookup = Q(slug=key)
    programme = programmes.filter(lookup).prefetch_related("questions").first()
    if programme is None:
        raise NotFound
    return programme


def programme_get(*, public_id) -> Programme:
    try:
        return Programme.objects.get(public_id=public_id)
    except (Programme.DoesNotExist, ValueError) as error:
        raise NotFound from error


def questions_of(*, programme) -> QuerySet[ApplicationQuestion]:
    return ApplicationQuestion.objects.filter(programme=programme)


def question_get(*, programme, question_id: int) -> ApplicationQuestion:
    try:
        return ApplicationQuestion.objects.get(programme=programme, pk=question_id)
    except ApplicationQuestion.DoesNotExist as error:
        raise NotFound from error


def routing_rules() -> QuerySet[RoutingRule]:
    return RoutingRule.objects.select_related("programme", "user", "queue")


def routing_rule_get(*, rule_id: int) -> RoutingRule:
    try:
        return routing_rules().get(pk=rule_id)
    except RoutingRule.DoesNotExist as error:
        raise NotFound from error


def approval_steps(*, programme=None) -> QuerySet[ApprovalStep]:
    steps = ApprovalStep.objects.select_related(
        "programme", "user", "queue", "escalate_to_user", "escalate_to_queue"
    )
    return steps if programme is None else steps.filter(programme=programme)


def approval_step_get(*, step_id: int) -> ApprovalStep:
    try:
        return approval_steps().get(pk=step_id)
    except ApprovalStep.DoesNotExist as error:
        raise NotFound from error


def approval_queues() -> QuerySet[ApprovalQueue]:
    return ApprovalQueue.objects.prefetch_related("members")


def approval_queue_get(*, queue_id: int) -> ApprovalQueue:
    try:
        return approval_queues().get(pk=queue_id)
    except ApprovalQueue.DoesNotExist as error:
        raise NotFound from error


def vendor_users():
    return User.objects.filter(is_active=True).exclude(vendor_role="").order_by("email")


def programmes():
    return Programme.objects.order_by("name", "id")
