"""REST endpoints of partner imports, for vendor admins and channel managers: upload
a file (multipart, field ``file``); the worker checks every row (``status``
``previewing`` → ``previewed``, with ``percent``), then ``/run`` writes them in the
worker; ``GET`` reports progress and counts, and ``/errors`` and ``/duplicates`` list
each row's number, field and message, a page at a time.
"""

from datetime import datetime
from uuid import UUID

from ninja import File, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from openprm.core.api import ApiRouter, lookup
from openprm.core.errors import ValidationFailed
from openprm.integrations.imports import selectors, services
from openprm.integrations.models import IssueKind
from openprm.integrations.permissions import IMPORT

router = ApiRouter(tags=["imports and exports"])


class RowError(Schema):
    row: int
    field: str
    message: str


class PartnerImportOut(Schema):
    id: UUID
    file_name: str
    status: str
    percent: int
    total: int
    done: int
    will_create: int
    will_update: int
    will_skip: int
    will_fail: int
    created: int
    updated: int
    unchanged: int
    failed: int
    file_error: str
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


@router.post(
    "/imports",
    response={201: PartnerImportOut},
    summary="Upload partners to import (preview)",
    description="Stores a CSV or XLSX file and queues the check of every row in "
    "the worker; nothing is written but the import. Follow `status` and `percent` "
    "with GET; once `previewed`, `will_create`, `will_update`, `will_skip` and "
    "`will_fail` count what the run will do.",
)
def import_upload(request, file: File[UploadedFile] = None):
    # Refuse non-importers before looking at the body.
    IMPORT.ensure(request.user)
    if file is None:
        raise ValidationFailed(field_errors={"file": ["Upload a file."]})
    job = services.import_upload(
        actor=request.user, file_name=file.name or "", upload=file
    )
    return Status(201, job)


@router.post(
    "/imports/{import_id}/run",
    response={202: PartnerImportOut},
    summary="Run a previewed import",
    description="Queues the import for the worker; rows with errors are skipped.",
)
def import_run(request, import_id: UUID):
    job = lookup(request, selectors.import_job_get, rule=IMPORT, public_id=import_id)
    return Status(202, services.import_confirm(actor=request.user, job=job))


@router.get(
    "/imports/{import_id}",
    response=PartnerImportOut,
    summary="Get an import's progress and errors",
)
def import_get(request, import_id: UUID):
    return lookup(request, selectors.import_job_get, rule=IMPORT, public_id=import_id)


@router.list(
    "/imports/{import_id}/errors",
    response=RowError,
    summary="List an import's row errors",
    description="By row number: the preview's errors until the run, then the run's.",
)
def import_errors(request, import_id: UUID):
    job = lookup(request, selectors.import_job_get, rule=IMPORT, public_id=import_id)
    return selectors.import_issue_list(job=job, kind=IssueKind.ERROR)


@router.list(
    "/imports/{import_id}/duplicates",
    response=RowError,
    summary="List an import's possible duplicates",
    description="New rows whose name or website looks like a partner already there.",
)
def import_duplicates(request, import_id: UUID):
    job = lookup(request, selectors.import_job_get, rule=IMPORT, public_id=import_id)
    return selectors.import_issue_list(job=job, kind=IssueKind.DUPLICATE)
