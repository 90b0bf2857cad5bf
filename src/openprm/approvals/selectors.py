"""Scoped reads of approval requests: the approvals page (what waits on the reader,
their queues, and those of people they stand in for), a request with its history,
and delegations. Vendor admins see every request; other vendor staff see the ones
assigned to them; partner users see none."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from openprm.accounts.models import User
from openprm.approvals import permissions
from openprm.approvals.choices import OPEN_STATUSES, QueueView, RequestStatus
from openprm.approvals.models import Action, ChainStep, Delegation, Queue, Request
from openprm.core.errors import NotFound


def away_user_ids(user, *, today: date | None = None) -> QuerySet:
    """The users ``user`` stands in for today (a subquery of ids)."""
    today = today or timezone.localdate()
    return Delegation.objects.filter(
        delegate=user, starts_on__lte=today, ends_on__gte=today
    ).values("user_id")


def assigned_q(user, *, prefix: str = "", today: date | None = None) -> Q:
    """Requests (under ``prefix``, e.g. ``"approval__"`` from a subject's model)
    whose current step is the user's: theirs, their queues', or those of someone
    away who named them delegate. The queues are a subquery of ids, not a join
    through their members, so the condition adds no row and an index on the
    request's own columns still serves the rest of the filter."""
    away = away_user_ids(user, today=today)
    queues = Q(members=user) | Q(members__in=away)
    if getattr(user, "vendor_role", ""):
        queues |= Q(vendor_role=user.vendor_role)
    return (
        Q(**{f"{prefix}assignee": user})
        | Q(**{f"{prefix}assignee__in": away})
        | Q(**{f"{prefix}queue__in": Queue.objects.filter(queues).values("pk")})
    )


def requests_visible_to(user) -> QuerySet[Request]:
    permissions.READ.ensure(user)
    requests = Request.objects.all()
    if not permissions.DECIDE_ANY.allows(user):
        requests = requests.filter(assigned_q(user))
    return requests


def queue_members(queue: Queue) -> list[User]:
    """The active users who act for ``queue``: named members and its role's."""
    return list(User.objects.filter(_member_q(queue), is_active=True).distinct())


def is_assigned(user, request: Request) -> bool:
    """The request's current step is the user's, or the user stands in for the
    one it is assigned to."""
    if not permissions.READ.allows(user):
        return False
    if request.assignee_id == user.pk:
        return True
    return Request.objects.filter(assigned_q(user), pk=request.pk).exists()


def may_act(user, request: Request) -> bool:
    """Vendor admins act on any request; others on the ones assigned to them."""
    from openprm.approvals import subjects

    if permissions.DECIDE_ANY.allows(user):
        return True
    kind = subjects.get(request.kind)
    if kind.may_act is not None and kind.may_act(user, request):
        return True
    return is_assigned(user, request)


def _member_q(queue: Queue, *, prefix: str = "") -> Q:
    """Users (under ``prefix``) who act for ``queue``: named members or its role."""
    condition = Q(**{f"{prefix}approval_queues": queue})
    if queue.vendor_role:
        condition |= Q(**{f"{prefix}vendor_role": queue.vendor_role})
    return condition


def stands_in_for(user, request: Request) -> User | None:
    """The absent approver ``user`` acts for, when that is why they may act (the
    step's assignee, or a member of its queue the user does not belong to)."""
    today = timezone.localdate()
    delegations = Delegation.objects.filter(
        delegate=user, starts_on__lte=today, ends_on__gte=today
    ).select_related("user")
    if request.assignee_id is not None:
        if request.assignee_id == user.pk:
            return None
        delegation = delegations.filter(user_id=request.assignee_id).first()
        return delegation.user if delegation else None
    if request.queue_id is None:
        return None
    queue = request.queue
    if User.objects.filter(_member_q(queue), pk=user.pk).exists():
        return None
    delegation = delegations.filter(_member_q(queue, prefix="user__")).first()
    return delegation.user if delegation else None


@dataclass(frozen=True)
class RequestFilters:
    view: str = QueueView.MINE
    kind: str = ""
    status: str = ""
    search: str = ""


def request_queue(*, user, filters: RequestFilters) -> QuerySet[Request]:
    """The approvals page: "mine" (open, waiting on the reader, their queues or
    those they stand in for), "overdue", "open", "decided"; soonest due first."""
    requests = requests_visible_to(user).select_related("assignee", "queue", "partner")
    view = filters.view if filters.view in QueueView.values else QueueView.MINE
    if view == QueueView.MINE:
        requests = requests.filter(assigned_q(user), status__in=OPEN_STATUSES)
    elif view == QueueView.OVERDUE:
        requests = requests.filter(
            status=RequestStatus.IN_REVIEW, due_at__lte=timezone.now()
        )
    elif view == QueueView.OPEN:
        requests = requests.filter(status__in=OPEN_STATUSES)
    elif view == QueueView.DECIDED:
        requests = requests.exclude(status__in=OPEN_STATUSES)
    if filters.kind:
        requests = requests.filter(kind=filters.kind)
    if filters.status in RequestStatus.values:
        requests = requests.filter(status=filters.status)
    if filters.search:
        requests = requests.filter(subject_label__icontains=filters.search)
    if view == QueueView.DECIDED:
        return requests.order_by("-decided_at", "-id")
    return requests.order_by("due_at", "created_at", "id")


def request_get(*, user, public_id) -> Request:
    try:
        return (
            requests_visible_to(user)
            .select_related("assignee", "queue", "partner", "programme")
            .prefetch_related(
                Prefetch(
                    "actions",
                    queryset=Action.objects.select_related("actor", "on_behalf_of"),
                )
            )
            .get(public_id=public_id)
        )
    except (Request.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def request_for_subject(*, kind: str, object_id) -> Request | None:
    """The latest request about a subject (for the subject app's own pages)."""
    return (
        Request.objects.filter(kind=kind, object_id=str(object_id))
        .order_by("-created_at", "-id")
        .first()
    )


def delegations_visible_to(user) -> QuerySet[Delegation]:
    """A user's own absences and those they cover; every one for vendor admins."""
    permissions.DELEGATE.ensure(user)
    delegations = Delegation.objects.select_related("user", "delegate")
    if not permissions.DECIDE_ANY.allows(user):
        delegations = delegations.filter(Q(user=user) | Q(delegate=user))
    return delegations.order_by("-starts_on", "-id")


def delegation_get(*, user, delegation_id) -> Delegation:
    try:
        return delegations_visible_to(user).get(pk=delegation_id)
    except (Delegation.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def delegate_choices() -> QuerySet[User]:
    """Who may stand in for an approver: active vendor staff."""
    return User.objects.filter(is_active=True).exclude(vendor_role="").order_by("email")


def request_awaiting_answer(*, user, public_id) -> Request:
    """A request of one of the partner user's organisations that waits for their
    answer; NotFound for any other (another partner's, or not waiting)."""
    permissions.ANSWER.ensure(user)
    try:
        return Request.objects.select_related("partner").get(
            public_id=public_id,
            partner_id__in=permissions.ANSWER.partner_ids(user),
            status=RequestStatus.INFO_REQUESTED,
        )
    except (Request.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def chain_steps(*, user, kind: str = "") -> QuerySet[ChainStep]:
    """The chain steps (of one subject kind), in the order they apply."""
    permissions.CONFIGURE.ensure(user)
    steps = ChainStep.objects.select_related("programme", "user", "queue")
    if kind:
        steps = steps.filter(kind=kind)
    return steps.order_by("kind", "programme_id", "position", "id")


def chain_step_get(*, user, step_id) -> ChainStep:
    try:
        return chain_steps(user=user).get(pk=int(step_id))
    except (ChainStep.DoesNotExist, ValueError, TypeError) as error:
        raise NotFound from error


def approver_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(vendor_role="").order_by("email")


def queue_choices() -> QuerySet[Queue]:
    return Queue.objects.order_by("name")
