"""REST endpoints of applications: the public form (describe it, submit it) and
the vendor's list, detail and decisions. The configuration's endpoints (routing
rules, approval queues and chains) are in ``config/api.py``, added here."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Query, Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, Problem, ReasonIn, StrictSchema, as_uuid
from openprm.core.context import client_ip
from openprm.onboarding import selectors, services, spam
from openprm.onboarding.choices import ApplicationStatus, QueueView
from openprm.onboarding.config import api as config_api
from openprm.onboarding.models import Application, ApplicationQuestion
from openprm.partners.choices import PartnerType, Region
from openprm.programs.models import Programme

router = ApiRouter(tags=["onboarding"])
router.add_router("", config_api.router)


# --- schemas


class ApplicationIn(StrictSchema):
    class Meta:
        model = Application

    company: str
    website: str = ""
    country: str
    # Empty: the region of the country.
    region: str = ""
    partner_types: list[str]
    contact_name: str
    contact_email: str
    contact_phone: str = ""
    answers: dict[str, Any] = {}
    campaign_token: str = ""
    # The applicant agreed to the vendor's privacy notice (required).
    consent: bool = False
    # The honeypot: software that fills every field fills this one too.
    fax_number: str = ""


class ReceivedOut(Schema):
    status: str


class ApplicationQuestionOut(Schema):
    key: str
    label: str
    kind: str
    choices: list[str]
    is_required: bool
    help_text: str


class ApplicationFormOut(Schema):
    """What a client needs to render a programme's application form."""

    programme: UUID
    slug: str
    name: str
    description: str
    partner_types: list[str] = Field(
        description="The partner types that may apply (`partner_types` of the body)."
    )
    regions: list[str] = Field(description="The values of the body's `region`.")
    questions: list[ApplicationQuestionOut] = Field(
        description="The programme's own questions, in order; answers go in "
        "`answers` by `key`."
    )

    @staticmethod
    def resolve_programme(obj: Programme) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner_types(obj: Programme) -> list[str]:
        return [
            code
            for code in PartnerType.values
            if not obj.eligible_partner_types or code in obj.eligible_partner_types
        ]

    @staticmethod
    def resolve_regions(obj: Programme) -> list[str]:
        return list(Region.values)

    @staticmethod
    def resolve_questions(obj: Programme) -> list[ApplicationQuestion]:
        return list(obj.questions.all())


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


class ApplicationDuplicateOut(Schema):
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
    # Empty: the region of the country.
    region: str = ""
    partner_types: list[str]
    contact_name: str
    contact_email: str
    contact_phone: str
    answers: dict[str, Any]
    campaign_token: str
    partner: UUID | None
    duplicates: list[ApplicationDuplicateOut]
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


class ApplicationFilters(StrictSchema):
    """The filters of the review queue, as in the console."""

    view: QueueView = Field(
        QueueView.ALL,
        description="mine: open and assigned to me or my queues; due: in review and "
        "due within the reminder window; overdue: in review past its SLA; open; "
        "decided; all.",
    )
    status: ApplicationStatus | None = Field(None, description="Only this status.")
    programme: UUID | None = Field(None, description="Only this programme (its id).")


class ApplicationNoteIn(StrictSchema):
    note: str = ""


class InfoIn(StrictSchema):
    question: str


# --- the public form


@router.get(
    "/applications/apply/{programme}",
    auth=None,
    response=ApplicationFormOut,
    summary="Describe a programme's application form (public, no authentication)",
)
def application_form(request, programme: str):
    """The partner types that may apply, the regions and the programme's own
    questions: what a client needs to render the form it then posts here.
    ``programme`` is its slug or public id; an inactive one is a 404."""
    return selectors.programme_for_application(key=programme)


class OpenBenefitOut(Schema):
    kind: str
    label: str
    value: str = Field(description="The benefit in words, e.g. 120 days.")

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_value(obj) -> str:
        return obj.display_value


class OpenTierOut(Schema):
    name: str
    rank: int
    benefits: list[OpenBenefitOut]

    @staticmethod
    def resolve_benefits(obj) -> list:
        return list(obj.benefits.all())


class OpenProgrammeOut(Schema):
    id: UUID
    slug: str
    name: str
    description: str
    tiers: list[OpenTierOut]

    @staticmethod
    def resolve_id(obj: Programme) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_tiers(obj: Programme) -> list:
        return list(obj.tiers.all())


@router.get(
    "/applications/programmes",
    auth=None,
    response=list[OpenProgrammeOut],
    summary="The programmes open to applications (public, no authentication)",
)
def open_programme_list(request):
    """What the public page /apply/ lists: each active programme with its tiers
    and their benefits. A list, not paged: the programmes are configuration."""
    return selectors.open_programmes()


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


@router.list("/applications", response=ApplicationOut, summary="List applications")
def application_list(request, filters: Query[ApplicationFilters]):
    """The review queue, soonest due first (decided and all: newest first). Vendor
    admins and channel managers see every application, other vendor staff those
    assigned to them or to their queues."""
    return selectors.application_queue(
        user=request.user,
        filters=selectors.QueueFilters(
            view=filters.view,
            status=filters.status or "",
            programme=filters.programme,
        ),
    ).select_related("partner")


@router.get(
    "/applications/{application_id}",
    response=ApplicationDetailOut,
    summary="Get an application with its step history",
)
def application_get(request, application_id: str):
    return selectors.application_get(
        user=request.user, public_id=as_uuid(application_id)
    )


@router.post(
    "/applications/{application_id}/approve",
    response=ApplicationDetailOut,
    summary="Approve the current step",
)
def application_approve(request, application_id: str, payload: ApplicationNoteIn):
    """The last step's approval approves the application: the partner is created
    or moved to onboarding and the applicant invited as its partner admin. From
    then on the partner may accept the programme's agreement."""
    application = services.application_approve_step(
        application=selectors.application_get(
            user=request.user, public_id=as_uuid(application_id)
        ),
        actor=request.user,
        note=payload.note,
        base_url=request.build_absolute_uri("/"),
    )
    return selectors.application_get(user=request.user, public_id=application.public_id)


@router.post(
    "/applications/{application_id}/reject",
    response=ApplicationDetailOut,
    summary="Reject (the applicant receives the reason)",
)
def application_reject(request, application_id: str, payload: ReasonIn):
    application = services.application_reject(
        application=selectors.application_get(
            user=request.user, public_id=as_uuid(application_id)
        ),
        actor=request.user,
        reason=payload.reason,
    )
    return selectors.application_get(user=request.user, public_id=application.public_id)


@router.post(
    "/applications/{application_id}/request-info",
    response=ApplicationDetailOut,
    summary="Ask the applicant for more information",
)
def application_request_info(request, application_id: str, payload: InfoIn):
    application = services.application_request_info(
        application=selectors.application_get(
            user=request.user, public_id=as_uuid(application_id)
        ),
        actor=request.user,
        question=payload.question,
    )
    return selectors.application_get(user=request.user, public_id=application.public_id)
