"""Console and portal pages of onboarding journeys."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.agreements.views import partner_view, staff_gated, staff_view
from openprm.core.errors import ApplicationError, ValidationFailed
from openprm.journeys import selectors, services
from openprm.journeys.choices import TaskKind

JOURNEYS_SHOWN = 200


configurer_view = staff_gated(services.can_configure)


def _with_progress(journeys):
    return [{"journey": item, **selectors.progress_of(item)} for item in journeys]


# --- console


@staff_view
def journey_list(request):
    return render(
        request,
        "journeys/journey_list.html",
        {
            "journeys": list(
                selectors.journeys_visible_to(user=request.user)[:JOURNEYS_SHOWN]
            ),
            "programmes": list(selectors.programmes_with_templates(user=request.user)),
            "can_configure": services.can_configure(request.user),
        },
    )


@staff_view
def journey_detail(request, public_id):
    journey = selectors.journey_get(user=request.user, public_id=public_id)
    return render(
        request,
        "journeys/journey_detail.html",
        {
            "journey": journey,
            "progress": selectors.progress_of(journey),
            "can_sign_off": services.can_sign_off(request.user, journey.partner),
        },
    )


@staff_view
@require_POST
def journey_task_sign_off(request, public_id, task_id):
    journey = selectors.journey_get(user=request.user, public_id=public_id)
    task = selectors.task_get(journey=journey, task_id=task_id)
    try:
        services.journey_task_sign_off(
            actor=request.user, task=task, note=request.POST.get("note", "")
        )
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("The task is signed off."))
    return redirect("console:journey_detail", public_id=journey.public_id)


@configurer_view
def journey_template(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    errors = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        config = {
            "fields": request.POST.get("fields", "").replace(",", " ").split(),
            "count": request.POST.get("count") or 1,
            "course": request.POST.get("course", ""),
        }
        due_days = request.POST.get("due_days", "").strip()
        try:
            services.task_template_create(
                actor=request.user,
                programme=programme,
                kind=kind,
                title=request.POST.get("title", ""),
                is_required=bool(request.POST.get("is_required")),
                due_days=int(due_days) if due_days.isdigit() else None,
                config=config,
            )
        except ValidationFailed as error:
            errors = error.field_errors
        else:
            messages.success(request, _("The task was added."))
            return redirect("console:journey_template", public_id=programme.public_id)
    return render(
        request,
        "journeys/template.html",
        {
            "programme": programme,
            "templates": list(selectors.task_templates_of(programme=programme)),
            "kinds": TaskKind.choices,
            "errors": errors,
            "values": request.POST,
        },
    )


@configurer_view
@require_POST
def journey_template_delete(request, public_id, template_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    template = selectors.task_template_get(programme=programme, template_id=template_id)
    services.task_template_delete(actor=request.user, template=template)
    messages.success(request, _("The task was removed."))
    return redirect("console:journey_template", public_id=programme.public_id)


@staff_view
def journey_document_console(request, public_id):
    return _download(selectors.document_get(user=request.user, public_id=public_id))


def _download(document):
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.name
    )


# --- portal


@partner_view
def portal_journeys(request):
    return render(
        request,
        "journeys/portal_journeys.html",
        {
            "cards": _with_progress(
                selectors.journeys_of_partner(partner=request.partner)
            ),
            "partner": request.partner,
        },
    )


@partner_view
@require_POST
def portal_document_upload(request, public_id, task_id):
    journey = selectors.journey_get(user=request.user, public_id=public_id)
    if journey.partner_id != request.partner.pk:
        raise Http404
    task = selectors.task_get(journey=journey, task_id=task_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
        return redirect("portal:journeys")
    try:
        services.journey_document_upload(actor=request.user, task=task, upload=upload)
    except ValidationFailed as error:
        for problems in error.field_errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Thank you: the document is uploaded."))
    return redirect("portal:journeys")


@partner_view
def portal_document(request, public_id):
    return _download(selectors.document_get(user=request.user, public_id=public_id))


@partner_view
def portal_resources(request):
    """What active partners get: their programmes' resources."""
    if request.partner.status != "active":
        raise PermissionDenied
    return render(
        request, "journeys/portal_resources.html", {"partner": request.partner}
    )
