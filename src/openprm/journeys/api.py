"""REST endpoints of onboarding journeys: each programme's task template (vendor
admins write), journeys within the caller's partner scope, manual sign-off and
document upload."""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import File, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.core.errors import ValidationFailed
from openprm.journeys import permissions, selectors, services
from openprm.journeys.choices import TaskKind
from openprm.journeys.models import Journey, JourneyTask, TaskTemplate

router = ApiRouter(tags=["journeys"])


class TaskTemplateIn(StrictSchema):
    class Meta:
        model = TaskTemplate

    kind: TaskKind
    title: str
    is_required: bool = True
    due_days: int | None = None
    position: int | None = None
    config: dict[str, Any] = {}


class TaskTemplateOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    is_required: bool
    due_days: int | None
    config: dict[str, Any]


class TaskOut(Schema):
    id: int
    position: int
    kind: str
    title: str
    is_required: bool
    config: dict[str, Any]
    due_at: datetime | None
    is_overdue: bool
    completed_at: datetime | None
    completion_note: str


class JourneyOut(Schema):
    id: UUID
    partner: int
    partner_name: str
    programme: UUID
    status: str
    started_at: datetime
    completed_at: datetime | None
    tasks: list[TaskOut]

    @staticmethod
    def resolve_id(obj: Journey) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: Journey) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: Journey) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_programme(obj: Journey) -> UUID:
        return obj.programme.public_id

    @staticmethod
    def resolve_tasks(obj: Journey) -> list[JourneyTask]:
        return list(obj.tasks.all())


class SignOffIn(StrictSchema):
    note: str = ""


class JourneyDocumentOut(Schema):
    id: UUID
    name: str
    size: int
    content_type: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


def _configurable(request, programme_id: UUID):
    return lookup(
        request,
        selectors.programme_get,
        rule=permissions.CONFIGURE,
        public_id=programme_id,
    )


@router.get(
    "/programmes/{programme_id}/journey-tasks",
    response=list[TaskTemplateOut],
    summary="A programme's onboarding journey template (vendor staff)",
)
def task_template_list(request, programme_id: UUID):
    """A list, not paged: a programme's journey is configuration (a handful of
    tasks)."""
    programme = selectors.programme_get(user=request.user, public_id=programme_id)
    return list(selectors.task_templates_of(programme=programme))


@router.post(
    "/programmes/{programme_id}/journey-tasks",
    response={201: TaskTemplateOut},
    summary="Add a task to a programme's journey template (vendor admins)",
    description='`config` by kind: profile_fields `{"fields": ["legal_name"]}`, '
    'invite_colleagues `{"count": 2}`, course `{"course": "code"}`.',
)
def task_template_create(request, programme_id: UUID, payload: TaskTemplateIn):
    template = services.task_template_create(
        actor=request.user,
        programme=_configurable(request, programme_id),
        **payload.model_dump(),
    )
    return Status(201, template)


@router.delete(
    "/programmes/{programme_id}/journey-tasks/{template_id}",
    response={204: None},
    summary="Remove a task from a journey template (vendor admins)",
)
def task_template_delete(request, programme_id: UUID, template_id: int):
    programme = _configurable(request, programme_id)
    template: TaskTemplate = selectors.task_template_get(
        programme=programme, template_id=template_id
    )
    services.task_template_delete(actor=request.user, template=template)
    return Status(204, None)


@router.list(
    "/journeys",
    response=JourneyOut,
    summary="List journeys within the caller's partner scope",
)
def journey_list(request):
    return selectors.journeys_with_tasks_visible_to(user=request.user)


@router.get(
    "/journeys/{journey_id}",
    response=JourneyOut,
    summary="Get a journey with its tasks",
)
def journey_get(request, journey_id: UUID):
    return selectors.journey_get(user=request.user, public_id=journey_id)


@router.post(
    "/journeys/{journey_id}/tasks/{task_id}/sign-off",
    response=JourneyOut,
    summary="Sign off a manual task (vendor admins; channel managers in scope)",
)
def journey_task_sign_off(request, journey_id: UUID, task_id: int, payload: SignOffIn):
    journey = selectors.journey_get(user=request.user, public_id=journey_id)
    services.journey_task_sign_off(
        actor=request.user,
        task=selectors.task_get(journey=journey, task_id=task_id),
        note=payload.note,
    )
    return selectors.journey_get(user=request.user, public_id=journey_id)


@router.post(
    "/journeys/{journey_id}/tasks/{task_id}/documents",
    response={201: JourneyDocumentOut},
    summary="Upload the document a task asks for (the partner's users)",
    description="Multipart form with the file in `file`; the type (by extension and "
    "content) and size are checked (OPENPRM_JOURNEY_UPLOAD_TYPES, "
    "OPENPRM_JOURNEY_UPLOAD_MAX_BYTES). The task completes when the upload's event "
    "is delivered.",
)
def journey_document_upload(
    request, journey_id: UUID, task_id: int, file: File[UploadedFile] = None
):
    # Found first: staff who cannot see the journey get 404, those who can 403.
    journey = selectors.journey_get(user=request.user, public_id=journey_id)
    permissions.WORK.ensure(request.user)
    if file is None:
        raise ValidationFailed(field_errors={"file": ["Send the document as `file`."]})
    document = services.journey_document_upload(
        actor=request.user,
        task=selectors.task_get(journey=journey, task_id=task_id),
        upload=file,
    )
    return Status(201, document)
