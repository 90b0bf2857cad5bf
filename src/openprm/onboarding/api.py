"""REST endpoints of onboarding: applications (the public submit endpoint, the
vendor's list, detail and actions), routing rules and approval chains."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from openprm.core.api import Pagination, Problem, StrictSchema, reject_unknown_query
from openprm.core.context import client_ip
from openprm.core.errors import NotFound, PermissionDenied, ValidationFailed
from openprm.onboarding import config_services, selectors, services, spam
from openprm.onboarding.models import Application, ApprovalStep, RoutingRule

router = Router(tags=["onboarding"])

ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


# --- schemas


class ApplicationIn(StrictSchema):
    company: str
    website: str = ""
    country: str
    region: str
    partner_types: list[str]
    contact_name: str
    contact_email: str
    contact_phone: str = ""
    answers: dict[str, Any] = {}
    campaign_token: str = ""
    # The honeypot: software that fills every field fills this one too.
    fax_number: str = ""


class ReceivedOut(Schema):
    status: str


class ActionOut(Schema):
    kind: str
    step: int
    step_name: str
    actor: str | None
    note: str
    at: datetime

    @staticmethod
    def resolve_step(obj) -> int:
        return obj.step_position

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.email if obj.actor_id else None

    @staticmethod
    def resolve_at(obj) -> datetime:
        return obj.created_at


class DuplicateOut(Schema):
    partner_id: int
    name: str
    status: str
    score: float
    reasons: list[str]


class ApplicationOut(Schema):
    id: UUID
    programme: UUID
    status: str
    company: str
    website: str
    country: str
    region: str
    partner_types: list[str]
    contact_name: str
    contact_email: str
    contact_phone: str
    answers: dict[str, Any]
    campaign_token: str
    partner: UUID | None
    duplicates: list[DuplicateOut]
    routing_reason: str
    step: int
    step_name: str
    assignee: str | None
    queue: str | None
    due_at: datetime | None
    escalation_level: int
    info_request: str
    decision_reason: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Application) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_programme(obj: Application) -> UUID:
        return obj.programme.public_id

    @staticmethod
    def resolve_partner(obj: Application) -> UUID | None:
        return obj.partner.public_id if obj.partner_id else None

    @staticmethod
    def resolve_step(obj: Application) -> int:
        return obj.step_position

    @staticmethod
    def resolve_assignee(obj: Application) -> str | None:
        return obj.assignee.email if obj.assignee_id else None

    @staticmethod
    def resolve_queue(obj: Application) -> str | None:
        return obj.queue.name if obj.queue_id else None


class ApplicationDetailOut(ApplicationOut):
    history: list[ActionOut]

    @staticmethod
    def resolve_history(obj: Application) -> list:
        return list(obj.actions.all())


class QueueQuery(StrictSchema):
    view: str = "all"
    status: str = ""
    programme: UUID | None = None


class NoteIn(StrictSchema):
    note: str = ""


class RejectIn(StrictSchema):
    reason: str


class InfoIn(StrictSchema):
    question: str


class RuleIn(StrictSchema):
    name: str
    position: int = 0
    is_active: bool = True
    programme: UUID | None = None
    regions: list[str] = []
    countries: list[str] = []
    partner_types: list[str] = []
    user: int | None = None
    queue: int | None = None


class RulePatch(StrictSchema):
    name: str | None = None
    position: int | None = None
    is_active: bool | None = None
    programme: UUID | None = None
    regions: list[str] | None = None
    countries: list[str] | None = None
    partner_types: list[str] | None = None
    user: int | None = None
    queue: int | None = None


class RuleOut(Schema):
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
    position: int
    name: str
    user: int | None = None
    queue: int | None = None
    sla_business_days: int = 2
    escalate_to_user: int | None = None
    escalate_to_queue: int | None = None


class StepPatch(StrictSchema):
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


# --- public


@router.post(
    "/applications/apply/{programme}",
    auth=None,
    response={202: ReceivedOut, 404: Problem, 422: Problem, 429: Problem},
    summary="Apply to a programme (public, no authentication)",
)
def application_apply(request, programme: str, payload: ApplicationIn):
    """The public form as an endpoint: the same checks, rate limit per client
    address and honeypot. ``programme`` is its slug or public id. The answer says
    only that the application was received."""
    programme_obj = selectors.programme_for_application(key=programme)
    address = client_ip(request)
    spam.check_rate_limit(address)
    data = payload.model_dump()
    if not spam.is_bot(data):
        services.application_submit(
            programme=programme_obj,
            data=data,
            client_ip=address,
            campaign_token=data.pop("campaign_token"),
        )
    return Status(202, {"status": "received"})


# --- vendor side


def _application(request, application_id: str) -> Application:
    try:
        public_id = UUID(str(application_id))
    except ValueError:
        raise NotFound from None
    return selectors.application_get(user=request.user, public_id=public_id)


@router.get(
    "/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="List applications",
)
@paginate(Pagination)
def application_list(request, filters: QueueQuery = None):
    """``view``: mine, due, overdue, open, decided or all (default)."""
    reject_unknown_query(request, QueueQuery, Pagination.Input)
    filters = filters or QueueQuery()
    if filters.view not in selectors.QUEUE_VIEWS:
        raise ValidationFailed(field_errors={"view": ["Unknown view."]})
    return selectors.application_queue(
        user=request.user,
        filters=selectors.QueueFilters(
            view=filters.view, status=filters.status, programme=filters.programme
        ),
    ).select_related("partner")


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Get an application with its step history",
)
def application_get(request, application_id: str):
    return _application(request, application_id)


@router.post(
    "/applications/{application_id}/approve",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Approve the current step",
)
def application_approve(request, application_id: str, payload: NoteIn):
    """The last step's approval approves the application: the partner is created
    or moved to onboarding and the applicant invited as its partner admin."""
    application = services.application_approve_step(
        application=_application(request, application_id),
        actor=request.user,
        note=payload.note,
        base_url=request.build_absolute_uri("/"),
    )
    return _application(request, str(application.public_id))


@router.post(
    "/applications/{application_id}/reject",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Reject (the applicant receives the reason)",
)
def application_reject(request, application_id: str, payload: RejectIn):
    application = services.application_reject(
        application=_application(request, application_id),
        actor=request.user,
        reason=payload.reason,
    )
    return _application(request, str(application.public_id))


@router.post(
    "/applications/{application_id}/request-info",
    response={200: ApplicationDetailOut, **ERRORS},
    summary="Ask the applicant for more information",
)
def application_request_info(request, application_id: str, payload: InfoIn):
    application = services.application_request_info(
        application=_application(request, application_id),
        actor=request.user,
        question=payload.question,
    )
    return _application(request, str(application.public_id))


# --- configuration


def _require_reader(request) -> None:
    if not services.can_review(request.user):
        raise PermissionDenied


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
    for name in ("user", "escalate_to_user"):
        if name in data:
            data[name] = _user(data[name])
    for name in ("queue", "escalate_to_queue"):
        if name in data:
            data[name] = _queue(data[name])
    if data.get("programme") is not None:
        data["programme"] = selectors.programme_get(public_id=data["programme"])
    return data


@router.get(
    "/application-routing-rules",
    response={200: list[RuleOut], **ERRORS},
    summary="List routing rules, in the order they are tried",
)
@paginate(Pagination)
def routing_rule_list(request):
    _require_reader(request)
    return selectors.routing_rules()


@router.post(
    "/application-routing-rules",
    response={201: RuleOut, **ERRORS},
    summary="Add a routing rule",
)
def routing_rule_create(request, payload: RuleIn):
    services.require_configurer(request.user)
    rule = config_services.routing_rule_create(
        actor=request.user, data=_resolve(payload.model_dump())
    )
    return Status(201, rule)


def _rule(request, rule_id: int) -> RoutingRule:
    services.require_configurer(request.user)
    return selectors.routing_rule_get(rule_id=rule_id)


@router.patch(
    "/application-routing-rules/{rule_id}",
    response={200: RuleOut, **ERRORS},
    summary="Change a routing rule",
)
def routing_rule_update(request, rule_id: int, payload: RulePatch):
    return config_services.routing_rule_update(
        actor=request.user,
        rule=_rule(request, rule_id),
        data=_resolve(payload.model_dump(exclude_unset=True)),
    )


@router.delete(
    "/application-routing-rules/{rule_id}",
    response={204: None, **ERRORS},
    summary="Delete a routing rule",
)
def routing_rule_delete(request, rule_id: int):
    config_services.routing_rule_delete(
        actor=request.user, rule=_rule(request, rule_id)
    )
    return Status(204, None)


def _programme(programme_id: str):
    try:
        return selectors.programme_get(public_id=UUID(str(programme_id)))
    except ValueError:
        raise NotFound from None


@router.get(
    "/programmes/{programme_id}/approval-steps",
    response={200: list[StepOut], **ERRORS},
    summary="The approval chain of a programme, in order",
)
@paginate(Pagination)
def approval_step_list(request, programme_id: str):
    _require_reader(request)
    return selectors.approval_steps(programme=_programme(programme_id))


@router.post(
    "/programmes/{programme_id}/approval-steps",
    response={201: StepOut, **ERRORS},
    summary="Add a step to a programme's approval chain",
)
def approval_step_create(request, programme_id: str, payload: StepIn):
    services.require_configurer(request.user)
    step = config_services.approval_step_create(
        actor=request.user,
        programme=_programme(programme_id),
        data=_resolve(payload.model_dump()),
    )
    return Status(201, step)


def _step(request, step_id: int) -> ApprovalStep:
    services.require_configurer(request.user)
    return selectors.approval_step_get(step_id=step_id)


@router.patch(
    "/approval-steps/{step_id}",
    response={200: StepOut, **ERRORS},
    summary="Change an approval step",
)
def approval_step_update(request, step_id: int, payload: StepPatch):
    return config_services.approval_step_update(
        actor=request.user,
        step=_step(request, step_id),
        data=_resolve(payload.model_dump(exclude_unset=True)),
    )


@router.delete(
    "/approval-steps/{step_id}",
    response={204: None, **ERRORS},
    summary="Delete an approval step",
)
def approval_step_delete(request, step_id: int):
    config_services.approval_step_delete(
        actor=request.user, step=_step(request, step_id)
    )
    return Status(204, None)
