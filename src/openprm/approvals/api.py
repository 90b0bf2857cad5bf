"""REST endpoints of the approval engine: the caller's queue, a request with its
history and the decisions on it, the requester's answer, and delegations."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status

from openprm.accounts.models import User
from openprm.approvals import permissions, selectors, services
from openprm.approvals.choices import QueueView, RequestStatus
from openprm.approvals.models import Delegation, Request
from openprm.core.api import ApiRouter, ReasonIn, StrictSchema, as_uuid
from openprm.core.errors import ValidationFailed

router = ApiRouter(tags=["approvals"])


class ApprovalActionOut(Schema):
    kind: str
    step: int
    step_name: str
    actor: str | None
    on_behalf_of: str | None = Field(
        None, description="The absent approver a delegate acted for."
    )
    note: str
    at: datetime

    @staticmethod
    def resolve_step(obj) -> int:
        return obj.step_position

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.email if obj.actor_id else None

    @staticmethod
    def resolve_on_behalf_of(obj) -> str | None:
        return obj.on_behalf_of.email if obj.on_behalf_of_id else None

    @staticmethod
    def resolve_at(obj) -> datetime:
        return obj.created_at


class ApprovalOut(Schema):
    id: UUID
    kind: str = Field(description="The subject kind, e.g. onboarding.application.")
    object_id: str = Field(description="The subject's id in its own app.")
    subject: str
    partner: UUID | None
    amount: Decimal | None
    currency: str
    status: str
    step: int
    step_name: str
    assignee: str | None
    queue: str | None
    due_at: datetime | None
    is_overdue: bool
    escalation_level: int
    info_request: str
    decision_reason: str
    decided_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Request) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_subject(obj: Request) -> str:
        return obj.subject_label

    @staticmethod
    def resolve_partner(obj: Request) -> UUID | None:
        return obj.partner.public_id if obj.partner_id else None

    @staticmethod
    def resolve_step(obj: Request) -> int:
        return obj.step_position

    @staticmethod
    def resolve_assignee(obj: Request) -> str | None:
        return obj.assignee.email if obj.assignee_id else None

    @staticmethod
    def resolve_queue(obj: Request) -> str | None:
        return obj.queue.name if obj.queue_id else None


class ApprovalDetailOut(ApprovalOut):
    history: list[ApprovalActionOut]

    @staticmethod
    def resolve_history(obj: Request) -> list:
        return list(obj.actions.all())


class ApprovalFilters(StrictSchema):
    """The filters of the approvals page, as in the console."""

    view: QueueView = Field(
        QueueView.MINE,
        description="mine: open and waiting on me, my queues or whom I stand in "
        "for; overdue: in review past its SLA; open; decided.",
    )
    kind: str = Field("", description="Only this subject kind.")
    status: RequestStatus | None = Field(None, description="Only this status.")
    q: str = Field("", max_length=100, description="Words of the subject.")


class ApprovalNoteIn(StrictSchema):
    note: str = ""


class ApprovalQuestionIn(StrictSchema):
    question: str


class ApprovalAnswerIn(StrictSchema):
    answer: str


class DelegationOut(Schema):
    id: int
    user: str
    delegate: str
    starts_on: date
    ends_on: date
    note: str

    @staticmethod
    def resolve_user(obj: Delegation) -> str:
        return obj.user.email

    @staticmethod
    def resolve_delegate(obj: Delegation) -> str:
        return obj.delegate.email


class DelegationIn(StrictSchema):
    delegate: str = Field(description="The delegate's email address.")
    starts_on: date
    ends_on: date
    note: str = ""
    user: str = Field(
        "", description="Vendor admins: whose absence (email); default the caller."
    )


def _detail(request, public_id) -> Request:
    return selectors.request_get(user=request.user, public_id=as_uuid(public_id))


@router.list("/approvals", response=ApprovalOut, summary="List my approvals")
def approval_list(request, filters: Query[ApprovalFilters]):
    """What waits on the caller (their steps, their queues', and those of
    colleagues away who named them), soonest due first. Vendor admins may read
    every view; other vendor staff see only what is assigned to them."""
    return selectors.request_queue(
        user=request.user,
        filters=selectors.RequestFilters(
            view=filters.view,
            kind=filters.kind,
            status=filters.status or "",
            search=filters.q.strip(),
        ),
    )


@router.get(
    "/approvals/{approval_id}",
    response=ApprovalDetailOut,
    summary="Get an approval request with its history",
)
def approval_get(request, approval_id: str):
    return _detail(request, approval_id)


@router.post(
    "/approvals/{approval_id}/approve",
    response=ApprovalDetailOut,
    summary="Approve the current step (the last one decides the request)",
)
def approval_approve(request, approval_id: str, payload: ApprovalNoteIn):
    approval = services.request_approve(
        request=_detail(request, approval_id),
        actor=request.user,
        note=payload.note,
        context={"base_url": request.build_absolute_uri("/")},
    )
    return _detail(request, approval.public_id)


@router.post(
    "/approvals/{approval_id}/reject",
    response=ApprovalDetailOut,
    summary="Reject, with the reason the requester receives",
)
def approval_reject(request, approval_id: str, payload: ReasonIn):
    approval = services.request_reject(
        request=_detail(request, approval_id),
        actor=request.user,
        reason=payload.reason,
    )
    return _detail(request, approval.public_id)


@router.post(
    "/approvals/{approval_id}/request-info",
    response=ApprovalDetailOut,
    summary="Ask the requester for more information (the SLA waits)",
)
def approval_request_info(request, approval_id: str, payload: ApprovalQuestionIn):
    approval = services.request_ask_info(
        request=_detail(request, approval_id),
        actor=request.user,
        question=payload.question,
    )
    return _detail(request, approval.public_id)


class ApprovalAnsweredOut(Schema):
    id: UUID
    status: str

    @staticmethod
    def resolve_id(obj: Request) -> UUID:
        return obj.public_id


@router.post(
    "/approvals/{approval_id}/answer",
    response=ApprovalAnsweredOut,
    summary="Answer the vendor's question (partner users of the requester)",
)
def approval_answer(request, approval_id: str, payload: ApprovalAnswerIn):
    """The request returns to the step that asked, with a fresh SLA."""
    approval = selectors.request_awaiting_answer(
        user=request.user, public_id=as_uuid(approval_id)
    )
    return services.request_answer_info(
        request=approval, answer=payload.answer, actor=request.user
    )


@router.list(
    "/approval-delegations",
    response=DelegationOut,
    summary="List my absences and whom I stand in for",
)
def delegation_list(request):
    return selectors.delegations_visible_to(request.user)


def _user_by_email(email: str, field: str) -> User:
    user = selectors.delegate_choices().filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationFailed(
            field_errors={field: [_("No active vendor staff member has this address.")]}
        )
    return user


@router.post(
    "/approval-delegations",
    response={201: DelegationOut},
    summary="Record an absence and its delegate",
)
def delegation_create(request, payload: DelegationIn):
    permissions.DELEGATE.ensure(request.user)
    user = (
        _user_by_email(payload.user, "user") if payload.user.strip() else request.user
    )
    delegation = services.delegation_create(
        actor=request.user,
        user=user,
        delegate=_user_by_email(payload.delegate, "delegate"),
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        note=payload.note,
    )
    return Status(201, delegation)


@router.post(
    "/approval-delegations/{delegation_id}/end",
    response={204: None},
    summary="End an absence (one not yet begun is removed)",
)
def delegation_end(request, delegation_id: int):
    services.delegation_end(
        actor=request.user,
        delegation=selectors.delegation_get(
            user=request.user, delegation_id=delegation_id
        ),
    )
    return Status(204, None)


# --- chain configuration


class ChainStepOut(Schema):
    id: int
    kind: str
    position: int
    name: str
    programme: int | None = Field(None, alias="programme_id")
    regions: list[str]
    partner_types: list[str]
    currency: str
    min_amount: Decimal | None
    max_amount: Decimal | None
    approver: str | None
    queue: str | None
    sla_business_days: int

    @staticmethod
    def resolve_approver(obj) -> str | None:
        return obj.user.email if obj.user_id else None

    @staticmethod
    def resolve_queue(obj) -> str | None:
        return obj.queue.name if obj.queue_id else None


class ChainStepIn(StrictSchema):
    name: str
    programme: int | None = None
    regions: list[str] = []
    partner_types: list[str] = []
    currency: str = ""
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    approver: str = Field("", description="The approver's email address.")
    queue: str = Field("", description="The queue's name.")
    sla_business_days: int = 2


class ChainStepCreateIn(ChainStepIn):
    kind: str


class ChainStepMoveIn(StrictSchema):
    direction: str = Field(description="up (earlier) or down (later)")


class ChainStepFilters(Schema):
    kind: str = ""


def _step_fields(payload: ChainStepIn) -> dict:
    """The payload's fields with the approver, queue and programme looked up."""
    from openprm.programs.models import Programme

    problems: dict[str, list[str]] = {}
    user = queue = programme = None
    if payload.approver.strip():
        user = (
            selectors.approver_choices()
            .filter(email__iexact=payload.approver.strip())
            .first()
        )
        if user is None:
            problems["approver"] = [
                _("No active vendor staff member has this address.")
            ]
    if payload.queue.strip():
        queue = selectors.queue_choices().filter(name=payload.queue.strip()).first()
        if queue is None:
            problems["queue"] = [_("No queue has this name.")]
    if payload.programme is not None:
        programme = Programme.objects.filter(pk=payload.programme).first()
        if programme is None:
            problems["programme"] = [_("No such programme.")]
    if problems:
        raise ValidationFailed(field_errors=problems)
    return {
        "name": payload.name,
        "programme": programme,
        "regions": payload.regions,
        "partner_types": payload.partner_types,
        "currency": payload.currency,
        "min_amount": payload.min_amount,
        "max_amount": payload.max_amount,
        "user": user,
        "queue": queue,
        "sla_business_days": payload.sla_business_days,
    }


@router.list(
    "/approval-chain-steps",
    response=ChainStepOut,
    summary="List the chain steps (of one subject kind), in order",
)
def chain_step_list(request, filters: Query[ChainStepFilters]):
    return selectors.chain_steps(user=request.user, kind=filters.kind)


@router.post(
    "/approval-chain-steps",
    response={201: ChainStepOut},
    summary="Add a step at the end of a subject kind's chain",
)
def chain_step_create(request, payload: ChainStepCreateIn):
    permissions.CONFIGURE.ensure(request.user)
    step = services.chain_step_save(
        actor=request.user, kind=payload.kind, **_step_fields(payload)
    )
    return Status(201, step)


@router.put(
    "/approval-chain-steps/{step_id}",
    response=ChainStepOut,
    summary="Change a step: name, conditions, approver or queue, SLA",
)
def chain_step_update(request, step_id: int, payload: ChainStepIn):
    step = selectors.chain_step_get(user=request.user, step_id=step_id)
    return services.chain_step_save(
        actor=request.user, step=step, kind=step.kind, **_step_fields(payload)
    )


@router.post(
    "/approval-chain-steps/{step_id}/move",
    response=ChainStepOut,
    summary="Move a step earlier (up) or later (down) in its chain",
)
def chain_step_move(request, step_id: int, payload: ChainStepMoveIn):
    step = selectors.chain_step_get(user=request.user, step_id=step_id)
    if payload.direction not in ("up", "down"):
        raise ValidationFailed(field_errors={"direction": [_("up or down.")]})
    return services.chain_step_move(
        actor=request.user, step=step, up=payload.direction == "up"
    )


@router.delete(
    "/approval-chain-steps/{step_id}",
    response={204: None},
    summary="Remove a step",
)
def chain_step_delete(request, step_id: int):
    step = selectors.chain_step_get(user=request.user, step_id=step_id)
    services.chain_step_delete(actor=request.user, step=step)
    return Status(204, None)
