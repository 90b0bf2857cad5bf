"""Pages of applications: the public application form, its confirmation and the
applicant's answer page; the console's review queue and application page. The
configuration pages are in ``config/views.py``."""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.context import client_ip
from openprm.core.errors import ValidationFailed
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, public_page
from openprm.onboarding import permissions, selectors, services, spam
from openprm.onboarding.choices import QueueView
from openprm.onboarding.forms import (
    AnswerForm,
    ApplicationForm,
    InfoRequestForm,
    NoteForm,
    RejectForm,
)

APPLICATIONS_PER_PAGE = 50


# --- public pages ----------------------------------------------------------------


@public_page
def apply_index(request):
    """The programmes open to applications, with what each tier brings: where a
    company that wants to become a partner starts (linked from the sign-in page)."""
    return render(
        request,
        "onboarding/apply_index.html",
        {"programmes": selectors.open_programmes()},
    )


@public_page
def apply(request, key):
    programme = selectors.programme_for_application(key=key)
    campaign_token = (request.POST.get("c") or request.GET.get("c") or "")[:200]
    form = ApplicationForm(request.POST or None, programme=programme)
    status = 200
    if request.method == "POST":
        try:
            spam.check_rate_limit(client_ip(request))
        except spam.TooManyApplications as error:
            form.add_error(None, error.message)
            status = 429
        else:
            if spam.is_bot(request.POST):
                # Told it worked, so the bot learns nothing; nothing is stored.
                return redirect("public:apply_done", key=key)
            if form.is_valid():
                try:
                    services.application_submit(
                        programme=programme,
                        data=form.submission(),
                        client_ip=client_ip(request),
                        campaign_token=campaign_token,
                    )
                except ValidationFailed as error:
                    form.add_service_error(error)
                else:
                    return redirect("public:apply_done", key=key)
    return render(
        request,
        "onboarding/apply.html",
        {"programme": programme, "form": form, "campaign_token": campaign_token},
        status=status,
    )


@public_page
def apply_done(request, key):
    programme = selectors.programme_for_application(key=key)
    return render(request, "onboarding/apply_done.html", {"programme": programme})


@public_page
def application_answer(request, token):
    """The applicant's answer through the signed link; success shows a thank-you
    page (the link is used up, so there is nowhere to redirect to)."""
    application = services.application_for_info_token(token)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_answer_info(
                token=token, answer=form.cleaned_data["answer"]
            )
        except ValidationFailed as error:
            form.add_service_error(error)
        else:
            return render(
                request, "onboarding/answer_done.html", {"application": application}
            )
    return render(
        request,
        "onboarding/answer.html",
        {"application": application, "form": form},
    )


# --- console ---------------------------------------------------------------------


@console_page(rule=permissions.READ)
def application_queue(request):
    view = request.GET.get("view") or QueueView.MINE
    filters = selectors.QueueFilters(
        view=view if view in QueueView.values else QueueView.MINE,
        status=request.GET.get("status", ""),
    )
    applications = selectors.application_queue(user=request.user, filters=filters)
    page = requested_page(request, applications, per_page=APPLICATIONS_PER_PAGE)
    return render(
        request,
        "onboarding/queue.html",
        {
            "page": page,
            "view": filters.view,
            "views": QueueView.choices,
            "can_configure": permissions.CONFIGURE.allows(request.user),
        },
    )


def _answer_text(value) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@console_page(rule=permissions.READ)
def application_detail(request, public_id):
    application = selectors.application_get(user=request.user, public_id=public_id)
    return render(
        request,
        "onboarding/application_detail.html",
        {
            "application": application,
            "answers": [
                (question.label, _answer_text(application.answers[question.key]))
                for question in application.programme.questions.all()
                if question.key in application.answers
            ],
            "actions": list(application.actions.all()),
            "can_act": application.is_open
            and selectors.may_act(request.user, application),
            "note_form": NoteForm(),
            "reject_form": RejectForm(),
            "info_form": InfoRequestForm(),
        },
    )


def _detail_url(application) -> str:
    return reverse("console:application_detail", args=[application.public_id])


@console_page(rule=permissions.READ)
@require_POST
def application_approve(request, public_id):
    application = selectors.application_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.application_approve_step(
            application=application,
            actor=request.user,
            note=data["note"],
            base_url=request.build_absolute_uri("/"),
        ),
        form=NoteForm(request.POST),
        success=_("The step was approved."),
        next=_detail_url(application),
    )


@console_page(rule=permissions.READ)
@require_POST
def application_reject(request, public_id):
    application = selectors.application_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.application_reject(
            application=application, actor=request.user, reason=data["reason"]
        ),
        form=RejectForm(request.POST),
        success=_("The application was rejected; the applicant was told why."),
        next=_detail_url(application),
    )


@console_page(rule=permissions.READ)
@require_POST
def application_request_info(request, public_id):
    application = selectors.application_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.application_request_info(
            application=application, actor=request.user, question=data["question"]
        ),
        form=InfoRequestForm(request.POST),
        success=_("The applicant was asked for more information."),
        next=_detail_url(application),
    )
