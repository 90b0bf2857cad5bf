"""REST endpoints of the partner directory's export and of partner imports.

Exports are scoped like ``GET /partners`` and take the directory's filters (the same
query string as the console page, ``cf_<key>`` for custom fields). Imports are for
vendor admins and channel managers: upload a file (multipart, field ``file``); the
worker checks every row (``status`` ``previewing`` → ``previewed``, with ``percent``),
then ``/run`` writes them in the worker; ``GET`` reports progress and counts, and
``/errors`` and ``/duplicates`` list each row's number, field and message, a page at a
time.
"""

from datetime import datetime
from uuid import UUID

from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from openprm.core.api import Pagination, Problem
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.integrations.exports.views import export_response
from openprm.integrations.imports import selectors as selectors_imports
from openprm.integrations.imports import services as services_imports
from openprm.integrations.models import IssueKind
from openprm.partners import directory

router = Router(tags=["imports and exports"])

ERRORS = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}


def _check_export(request) -> None:
    """Vendor staff only (the directory's export is a console tool), with only the
    directory's filters: a mistyped filter must not export everything."""
    if not request.auth.is_vendor_staff:
        raise PermissionDenied
    known = {*directory.LIST_KEYS, *directory.SCALAR_KEYS}
    unknown = sorted(
        key
        for key in request.GET
        if key not in known and not key.startswith(directory.CUSTOM_FIELD_PREFIX)
    )
    if unknown:
        raise ValidationFailed(
            field_errors={name: ["Unknown query parameter."] for name in unknown}
        )


EXPORT_DESCRIPTION = (
    "Vendor staff only. The partners the caller may see, filtered like the "
    "directory: `q`, `status`, "
    "`type`, `industry`, `specialisation`, `tag` (repeatable), `country`, `region`, "
    "`manager` (a user id or `none`), `employee_band`, `revenue_band`, `programme`, "
    "`tier`, `cf_<key>`, `sort` (`name`, `created`, `status`, `country`, `-` to "
    "reverse)."
)


@router.get(
    "/exports/partners.csv",
    response={200: None, **ERRORS},
    summary="Export partners as CSV",
    description=EXPORT_DESCRIPTION,
)
def partner_export_csv(request):
    _check_export(request)
    return export_response(user=request.auth, params=request.GET, file_format="csv")


@router.get(
    "/exports/partners.xlsx",
    response={200: None, **ERRORS},
    summary="Export partners as XLSX",
    description=EXPORT_DESCRIPTION,
)
def partner_export_xlsx(request):
    _check_export(request)
    return export_response(user=request.auth, params=request.GET, file_format="xlsx")


class RowError(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
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
    response={201: ImportOut, **ERRORS},
    summary="Upload partners to import (preview)",
    description="Stores a CSV or XLSX file and queues the check of every row in "
    "the worker; nothing is written but the import. Follow `status` and `percent` "
    "with GET; once `previewed`, `will_create`, `will_update`, `will_skip` and "
    "`will_fail` count what the run will do.",
)
def import_upload(request, file: File[UploadedFile] = None):
    # Refuse non-importers before looking at the body.
    services_imports.ensure_can_import(request.auth)
    if file is None:
        raise ValidationFailed(field_errors={"file": ["Upload a file."]})
    job = services_imports.import_upload(
        actor=request.auth, file_name=file.name or "", upload=file
    )
    return Status(201, job)


@router.post(
    "/imports/{import_id}/run",
    response={202: ImportOut, **ERRORS},
    summary="Run a previewed import",
    description="Queues the import for the worker; rows with errors are skipped.",
)
def import_run(request, import_id: UUID):
    services_imports.ensure_can_import(request.auth)
    job = selectors_imports.import_job_get(user=request.auth, public_id=import_id)
    job = services_imports.import_confirm(actor=request.auth, job=job)
    return Status(202, job)


@router.get(
    "/imports/{import_id}",
    response={200: ImportOut, **ERRORS},
    summary="Get an import's progress and errors",
)
def import_get(request, import_id: UUID):
    services_imports.ensure_can_import(request.auth)
    return selectors_imports.import_job_get(user=request.auth, public_id=import_id)


def _job(request, import_id: UUID):
    services_imports.ensure_can_import(request.auth)
    return selectors_imports.import_job_get(user=request.auth, public_id=import_id)


@router.get(
    "/imports/{import_id}/errors",
    response={200: list[RowError], **ERRORS},
    summary="List an import's row errors",
    description="By row number: the preview's errors until the run, then the run's.",
)
@paginate(Pagination)
def import_errors(request, import_id: UUID):
    job = _job(request, import_id)
    return selectors_imports.import_issue_list(job=job, kind=IssueKind.ERROR)


@router.get(
    "/imports/{import_id}/duplicates",
    response={200: list[RowError], **ERRORS},
    summary="List an import's possible duplicates",
    description="New rows whose name or website looks like a partner already there.",
)
@paginate(Pagination)
def import_duplicates(request, import_id: UUID):
    job = _job(request, import_id)
    return selectors_imports.import_issue_list(job=job, kind=IssueKind.DUPLICATE)
