"""Console and portal pages of onboarding journeys."""

from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.errors import PermissionDenied
from openprm.core.scoping import scope_for
from openprm.core.web import act, console_page, form_page, portal_page
from openprm.journeys import permissions, selectors, services
from openprm.journeys.forms import DocumentUploadForm, SignOffForm, TaskTemplateForm

JOURNEYS_SHOWN = 200


def _with_progress(journeys):
    return [{"journey": item, **selectors.progress_of(item)} for item in journeys]


def _download(document):
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.name
    )


# --- console


@console_page(rule=permissions.READ)
def journey_list(request):
    return render(
        request,
        "journeys/journey_list.html",
        {
            "journeys": list(
                selectors.journeys_visible_to(user=request.user)[:JOURNEYS_SHOWN]
            ),
            "programmes": list(selectors.programmes_with_templates(user=request.user)),
            "can_configure": permissions.CONFIGURE.allows(request.user),
        },
    )


@console_page(rule=permissions.READ)
def journey_detail(request, public_id):
    journey = selectors.journey_get(user=request.user, public_id=public_id)
    return render(
        request,
        "journeys/journey_detail.html",
        {
            "journey": journey,
            "progress": selectors.progress_of(journey),
            "can_sign_off": permissions.SIGN_OFF.allows(request.user)
            and scope_for(request.user).includes(journey.partner),
        },
    )


@console_page(rule=permissions.READ)
@require_POST
def journey_task_sign_off(request, public_id, task_id):
    journey = selectors.journey_get(user=request.user, public_id=public_id)
    task = selectors.task_get(journey=journey, task_id=task_id)
    return act(
        request,
        lambda data: services.journey_task_sign_off(
            actor=request.user, task=task, note=data["note"]
        ),
        form=SignOffForm(request.POST),
        success=_("The task is signed off."),
        next=reverse("console:journey_detail", args=[journey.public_id]),
    )


@console_page(rule=permissions.CONFIGURE)
def journey_template(request, public_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    here = reverse("console:journey_template", args=[programme.public_id])
    return form_page(
        request,
        TaskTemplateForm(request.POST or None),
        template="journeys/template.html",
        save=lambda data: services.task_template_create(
            actor=request.user, programme=programme, **TaskTemplateForm.task(data)
        ),
        success=_("The task was added."),
        next=here,
        context={
            "programme": programme,
            "templates": list(selectors.task_templates_of(programme=programme)),
        },
    )


@console_page(rule=permissions.CONFIGURE)
@require_POST
def journey_template_delete(request, public_id, template_id):
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    template = selectors.task_template_get(programme=programme, template_id=template_id)
    return act(
        request,
        lambda: services.task_template_delete(actor=request.user, template=template),
        success=_("The task was removed."),
        next=reverse("console:journey_template", args=[programme.public_id]),
    )


@console_page(rule=permissions.READ)
def journey_document_console(request, public_id):
    return _download(selectors.document_get(user=request.user, public_id=public_id))


# --- portal


@portal_page
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


@portal_page
@require_POST
def portal_document_upload(request, public_id, task_id):
    journey = selectors.journey_of_partner_get(
        partner=request.partner, public_id=public_id
    )
    task = selectors.task_get(journey=journey, task_id=task_id)
    return act(
        request,
        lambda data: services.journey_document_upload(
            actor=request.user, task=task, upload=data["file"]
        ),
        form=DocumentUploadForm(request.POST, request.FILES),
        success=_("Thank you: the document is uploaded."),
        next="portal:journeys",
    )


@portal_page
def portal_document(request, public_id):
    return _download(selectors.document_get(user=request.user, public_id=public_id))


@portal_page
def portal_resources(request):
    """What active partners get: their programmes' resources."""
    if request.partner.status != "active":
        raise PermissionDenied
    return render(
        request, "journeys/portal_resources.html", {"partner": request.partner}
    )
