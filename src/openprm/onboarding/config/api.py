"""REST endpoints of onboarding's configuration: routing rules, approval queues and
each programme's approval chain. Vendor admins write them; vendor admins and
channel managers read them."""

from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, as_uuid, lookup
from openprm.core.errors import ValidationFailed
from openprm.onboarding import permissions
from openprm.onboarding.config import selectors, services
from openprm.onboarding.models import ApprovalQueue, ApprovalStep, RoutingRule

router = ApiRouter(tags=["onboarding"])


# --- schemas


class RoutingRuleIn(StrictSchema):
    class Meta:
        model = RoutingRule

    name: str
    position: int = 0
    is_active: bool = True
    programme: UUID | None = None
    regions: list[str] = []
    countries: list[str] = []
    partner_types: list[str] = []
    user: int | None = None
    queue: int | None = None


class RoutingRulePatch(StrictSchema):
    class Meta:
        model = RoutingRule

    name: str | None = None
    position: int | None = None
    is_active: bool | None = None
    programme: UUID | None = None
    regions: list[str] | None = None
    countries: list[str] | None = None
    partner_types: list[str] | None = None
    user: int | None = None
    queue: int | None = None


class RoutingRuleOut(Schema):
    id: int
    name: str
    position: int
    is_active: bool
    programme: UUID | None
    regions: list[str]
    countries: list[str]
    partner_types: list[str]
    user: int | None
    queue: int | None

    @staticmethod
    def resolve_programme(obj: RoutingRule) -> UUID | None:
        return obj.programme.public_id if obj.programme_id else None

    @staticmethod
    def resolve_user(obj: RoutingRule) -> int | None:
        return obj.user_id

    @staticmethod
    def resolve_queue(obj: RoutingRule) -> int | None:
        return obj.queue_id


class StepIn(StrictSchema):
    class Meta:
        model = ApprovalStep

    position: int
    name: str
    user: int | None = None
    queue: int | None = None
    sla_business_days: int = 2
    escalate_to_user: int | None = None
    escalate_to_queue: int | None = None


class StepPatch(StrictSchema):
    class Meta:
        model = ApprovalStep

    position: int | None = None
    name: str | None = None
    user: int | None = None
    queue: int | None = None
    sla_business_days: int | None = None
    escalate_to_user: int | None = None
    escalate_to_queue: int | None = None


class StepOut(Schema):
    id: int
    programme: UUID
    position: int
    name: str
    user: int | None
    queue: int | None
    sla_business_days: int
    escalate_to_user: int | None
    escalate_to_queue: int | None

    @staticmethod
    def resolve_programme(obj: ApprovalStep) -> UUID:
        return obj.programme.public_id

    @staticmethod
    def resolve_user(obj) -> int | None:
        return obj.user_id

    @staticmethod
    def resolve_queue(obj) -> int | None:
        return obj.queue_id

    @staticmethod
    def resolve_escalate_to_user(obj) -> int | None:
        return obj.escalate_to_user_id

    @staticmethod
    def resolve_escalate_to_queue(obj) -> int | None:
        return obj.escalate_to_queue_id


class QueueMemberOut(Schema):
    """A vendor user in an approval queue: the ``user`` of rules and steps."""

    id: int
    email: str
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.full_name


class ApprovalQueueOut(Schema):
    id: int
    name: str
    is_fallback: bool
    members: list[QueueMemberOut]

    @staticmethod
    def resolve_members(obj: ApprovalQueue) -> list:
        return list(obj.members.all())


# --- references in bodies


def _user(user_id):
    if user_id is None:
        return None
    user = selectors.vendor_users().filter(pk=user_id).first()
    if user is None:
        raise ValidationFailed(field_errors={"user": ["Unknown vendor user."]})
    return user


def _queue(queue_id):
    if queue_id is None:
        return None
    queue = selectors.approval_queues().filter(pk=queue_id).first()
    if queue is None:
        raise ValidationFailed(field_errors={"queue": ["Unknown queue."]})
    return queue


def _resolve(data: dict) -> dict:
    """Ids in a body as the rows the services take (422 for an unknown one)."""
    for name in ("user", "escalate_to_user"):
        if name in data:
            data[name] = _user(data[name])
    for name in ("queue", "escalate_to_queue"):
        if name in data:
            data[name] = _queue(data[name])
    if data.get("programme") is not None:
        data["programme"] = selectors.programme_get(public_id=data["programme"])
    return data


# --- routing rules


@router.list(
    "/application-routing-rules",
    response=RoutingRuleOut,
    summary="List routing rules, in the order they are tried",
)
def routing_rule_list(request):
    permissions.READ_CONFIG.ensure(request.user)
    return selectors.routing_rules()


@router.post(
    "/application-routing-rules",
    response={201: RoutingRuleOut},
    summary="Add a routing rule",
)
def routing_rule_create(request, payload: RoutingRuleIn):
    permissions.CONFIGURE.ensure(request.user)
    rule = services.routing_rule_create(
        actor=request.user, data=_resolve(payload.model_dump())
    )
    return Status(201, rule)


@router.patch(
    "/application-routing-rules/{rule_id}",
    response=RoutingRuleOut,
    summary="Change a routing rule",
)
def routing_rule_update(request, rule_id: int, payload: RoutingRulePatch):
    return services.routing_rule_update(
        actor=request.user,
        rule=lookup(
            request,
            selectors.routing_rule_get,
            rule=permissions.CONFIGURE,
            rule_id=rule_id,
        ),
        data=_resolve(payload.model_dump(exclude_unset=True)),
    )


@router.delete(
    "/application-routing-rules/{rule_id}",
    response={204: None},
    summary="Delete a routing rule",
)
def routing_rule_delete(request, rule_id: int):
    rule = lookup(
        request, selectors.routing_rule_get, rule=permissions.CONFIGURE, rule_id=rule_id
    )
    services.routing_rule_delete(actor=request.user, rule=rule)
    return Status(204, None)


# --- approval queues


@router.list(
    "/approval-queues",
    response=ApprovalQueueOut,
    summary="List approval queues and their members",
    description="By name; each queue's members by email address. A rule's or a "
    "step's `queue` is a queue's `id`; its `user` is a member's `id`. Vendor admins "
    "and channel managers.",
)
def approval_queue_list(request):
    permissions.READ_CONFIG.ensure(request.user)
    return selectors.approval_queues()


# --- approval chains


@router.list(
    "/programmes/{programme_id}/approval-steps",
    response=StepOut,
    summary="The approval chain of a programme, in order",
)
def approval_step_list(request, programme_id: str):
    permissions.READ_CONFIG.ensure(request.user)
    programme = selectors.programme_get(public_id=as_uuid(programme_id))
    return selectors.approval_steps(programme=programme)


@router.post(
    "/programmes/{programme_id}/approval-steps",
    response={201: StepOut},
    summary="Add a step to a programme's approval chain",
)
def approval_step_create(request, programme_id: str, payload: StepIn):
    permissions.CONFIGURE.ensure(request.user)
    step = services.approval_step_create(
        actor=request.user,
        programme=selectors.programme_get(public_id=as_uuid(programme_id)),
        data=_resolve(payload.model_dump()),
    )
    return Status(201, step)


@router.patch(
    "/approval-steps/{step_id}",
    response=StepOut,
    summary="Change an approval step",
)
def approval_step_update(request, step_id: int, payload: StepPatch):
    return services.approval_step_update(
        actor=request.user,
        step=lookup(
            request,
            selectors.approval_step_get,
            rule=permissions.CONFIGURE,
            step_id=step_id,
        ),
        data=_resolve(payload.model_dump(exclude_unset=True)),
    )


@router.delete(
    "/approval-steps/{step_id}",
    response={204: None},
    summary="Delete an approval step",
)
def approval_step_delete(request, step_id: int):
    step = lookup(
        request,
        selectors.approval_step_get,
        rule=permissions.CONFIGURE,
        step_id=step_id,
    )
    services.approval_step_delete(actor=request.user, step=step)
    return Status(204, None)
