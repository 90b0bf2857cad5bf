"""Console pages of partner imports: upload, preview, confirm, progress."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from openprm.core.errors import ApplicationError, NotFound, PermissionDenied
from openprm.core.web import console_page
from openprm.integrations.imports import selectors as selectors_imports
from openprm.integrations.imports import services as services_imports
from openprm.integrations.imports.forms import ImportUploadForm
from openprm.integrations.models import IssueKind
from openprm.partners import permissions

PREVIEW_ERRORS_SHOWN = 200


def _require_importer(request) -> None:
    if not permissions.can_create_partners(request.user):
        raise DjangoPermissionDenied


def _job(request, public_id):
    try:
        return selectors_imports.import_job_get(user=request.user, public_id=public_id)
    except NotFound as error:
        raise Http404 from error


@console_page
def import_start(request):
    _require_importer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services_imports.import_upload(
                actor=request.user, file_name=upload.name, upload=upload
            )
        except ApplicationError as error:
            for message in error.field_errors.get("file", [error.message]):
                form.add_error("file", message)
        else:
            return redirect("console:import_detail", public_id=job.public_id)
    return render(request, "integrations/import_start.html", {"form": form})


@console_page
def import_detail(request, public_id):
    _require_importer(request)
    job = _job(request, public_id)
    context = {
        "job": job,
        "errors": selectors_imports.import_issues(
            job=job, kind=IssueKind.ERROR, limit=PREVIEW_ERRORS_SHOWN
        ),
        "error_count": selectors_imports.import_issue_count(
            job=job, kind=IssueKind.ERROR
        ),
        "duplicates": selectors_imports.import_issues(
            job=job, kind=IssueKind.DUPLICATE, limit=PREVIEW_ERRORS_SHOWN
        ),
    }
    template = (
        "integrations/_import_progress.html"
        if request.headers.get("HX-Request")
        else "integrations/import_detail.html"
    )
    return render(request, template, context)


@console_page
@require_POST
def import_confirm(request, public_id):
    _require_importer(request)
    job = _job(request, public_id)
    try:
        services_imports.import_confirm(actor=request.user, job=job)
    except PermissionDenied as error:
        raise DjangoPermissionDenied from error
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("console:import_detail", public_id=job.public_id)
