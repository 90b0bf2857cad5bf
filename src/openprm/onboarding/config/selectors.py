"""Reads of onboarding's configuration: routing rules, approval queues, approval
chains and questions. They are the vendor's own settings, not partner data: one
object is read by those ``READ_CONFIG`` allows; the pages and endpoints gate the
lists by rule (``CONFIGURE``, ``READ_CONFIG``)."""

from django.db.models import Prefetch, QuerySet

from openprm.accounts.models import User
from openprm.core.errors import NotFound
from openprm.onboarding import permissions
from openprm.onboarding.models import (
    ApplicationQuestion,
    ApprovalQueue,
    ApprovalStep,
    RoutingRule,
)
from openprm.programs.models import Programme


def routing_rules() -> QuerySet[RoutingRule]:
    """In the order they are tried."""
    return RoutingRule.objects.select_related("programme", "user", "queue")


def routing_rule_get(*, user, rule_id: int) -> RoutingRule:
    permissions.READ_CONFIG.ensure(user)
    try:
        return routing_rules().get(pk=rule_id)
    except RoutingRule.DoesNotExist as error:
        raise NotFound from error


def approval_steps(*, programme: Programme | None = None) -> QuerySet[ApprovalStep]:
    steps = ApprovalStep.objects.select_related(
        "programme", "user", "queue", "escalate_to_user", "escalate_to_queue"
    )
    return steps if programme is None else steps.filter(programme=programme)


def approval_step_get(
    *, user, step_id: int, programme: Programme | None = None
) -> ApprovalStep:
    """A step (of ``programme``, when given: another programme's is not found)."""
    permissions.READ_CONFIG.ensure(user)
    try:
        return approval_steps(programme=programme).get(pk=step_id)
    except ApprovalStep.DoesNotExist as error:
        raise NotFound from error


def approval_queues() -> QuerySet[ApprovalQueue]:
    """By name, each with its members by email address."""
    return ApprovalQueue.objects.prefetch_related(
        Prefetch("members", queryset=User.objects.order_by("email", "id"))
    )


def approval_queue_get(*, user, queue_id: int) -> ApprovalQueue:
    permissions.READ_CONFIG.ensure(user)
    try:
        return approval_queues().get(pk=queue_id)
    except ApprovalQueue.DoesNotExist as error:
        raise NotFound from error


def fallback_queue() -> ApprovalQueue | None:
    """Where an application goes when no routing rule matches."""
    return ApprovalQueue.objects.filter(is_fallback=True).first()


def questions_of(*, programme: Programme) -> QuerySet[ApplicationQuestion]:
    return ApplicationQuestion.objects.filter(programme=programme)


def question_get(*, programme: Programme, question_id: int) -> ApplicationQuestion:
    try:
        return ApplicationQuestion.objects.get(programme=programme, pk=question_id)
    except ApplicationQuestion.DoesNotExist as error:
        raise NotFound from error


def vendor_users() -> QuerySet[User]:
    """Who may approve or belong to a queue: active vendor staff."""
    return User.objects.filter(is_active=True).exclude(vendor_role="").order_by("email")


def programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("name", "id")


def programme_get(*, public_id) -> Programme:
    try:
        return Programme.objects.get(public_id=public_id)
    except (Programme.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error
