"""Console pages of partner imports: upload, preview, confirm, progress (vendor
admins and channel managers; a channel manager follows their own imports)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.web import act, console_page, form_page
from openprm.integrations.imports import selectors, services
from openprm.integrations.imports.forms import ImportUploadForm
from openprm.integrations.models import IssueKind
from openprm.integrations.permissions import IMPORT

PREVIEW_ERRORS_SHOWN = 200


def _detail_url(job) -> str:
    return reverse("console:import_detail", kwargs={"public_id": job.public_id})


@console_page(rule=IMPORT)
def import_start(request):
    return form_page(
        request,
        ImportUploadForm(request.POST or None, request.FILES or None),
        template="integrations/import_start.html",
        save=lambda data: services.import_upload(
            actor=request.user, file_name=data["file"].name, upload=data["file"]
        ),
        success=_("The file is being checked."),
        next=_detail_url,
    )


@console_page(rule=IMPORT)
def import_detail(request, public_id):
    job = selectors.import_job_get(user=request.user, public_id=public_id)
    context = {
        "job": job,
        "errors": selectors.import_issues(
            job=job, kind=IssueKind.ERROR, limit=PREVIEW_ERRORS_SHOWN
        ),
        "error_count": selectors.import_issue_count(job=job, kind=IssueKind.ERROR),
        "duplicates": selectors.import_issues(
            job=job, kind=IssueKind.DUPLICATE, limit=PREVIEW_ERRORS_SHOWN
        ),
    }
    template = (
        "integrations/_import_progress.html"
        if request.headers.get("HX-Request")
        else "integrations/import_detail.html"
    )
    return render(request, template, context)


@console_page(rule=IMPORT)
@require_POST
def import_confirm(request, public_id):
    job = selectors.import_job_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.import_confirm(actor=request.user, job=job),
        success=_("The import is queued; rows are written in the background."),
        next=_detail_url(job),
    )
