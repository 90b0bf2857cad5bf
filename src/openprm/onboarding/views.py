"""Pages of onboarding: the public application form, its confirmation and the
applicant's answer page; the console's review queue, application page and the
editors of routing rules, queues, approval chains and questions."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.context import client_ip
from openprm.core.errors import ApplicationError, NotFound, ValidationFailed
from openprm.core.web import console_page
from openprm.onboarding import config_services, selectors, services, spam
from openprm.onboarding.forms import (
    AnswerForm,
    ApplicationForm,
    ApprovalStepForm,
    InfoRequestForm,
    NoteForm,
    QuestionForm,
    QueueForm,
    RejectForm,
    RoutingRuleForm,
)

APPLICATIONS_PER_PAGE = 50


# --- public pages ----------------------------------------------------------------


def _public(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404 from error

    return wrapper


@_public
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
                    form.add_service_errors(error.field_errors)
                else:
                    return redirect("public:apply_done", key=key)
    return render(
        request,
        "onboarding/apply.html",
        {"programme": programme, "form": form, "campaign_token": campaign_token},
        status=status,
    )


@_public
def apply_done(request, key):
    programme = selectors.programme_for_application(key=key)
    return render(request, "onboarding/apply_done.html", {"programme": programme})


@_public
def application_answer(request, token):
    application = services.application_for_info_token(token)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_answer_info(
                token=token, answer=form.cleaned_data["answer"]
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
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


def _console(check=None):
    def decorator(view):
        @console_page
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if check is not None and not check(request.user):
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404 from error
            except services.PermissionDenied as error:
                raise PermissionDenied from error

        return wrapper

    return decorator


staff_view = _console()
config_view = _console(services.can_configure)


@staff_view
def application_queue(request):
    view = request.GET.get("view") or "mine"
    filters = selectors.QueueFilters(
        view=view if view in selectors.QUEUE_VIEWS else "mine",
        status=request.GET.get("status", ""),
    )
    applications = selectors.application_queue(user=request.user, filters=filters)
    page = Paginator(applications, APPLICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "onboarding/queue.html",
        {
            "page": page,
            "view": filters.view,
            "views": [
                ("mine", _("My queue")),
                ("due", _("Due soon")),
                ("overdue", _("Overdue")),
                ("open", _("All open")),
                ("decided", _("Decided")),
                ("all", _("All")),
            ],
            "can_configure": services.can_configure(request.user),
        },
    )


def _answer_text(value) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


@staff_view
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
            and services.can_act(request.user, application),
            "note_form": NoteForm(),
            "reject_form": RejectForm(),
            "info_form": InfoRequestForm(),
        },
    )


def _act(request, public_id, form_class, action, done_message):
    application = selectors.application_get(user=request.user, public_id=public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(application, form.cleaned_data)
        except ApplicationError as error:
            if isinstance(error, services.PermissionDenied):
                raise
            messages.error(request, error.message)
        else:
            messages.success(request, done_message)
    else:
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
    return redirect("console:application_detail", public_id=public_id)


@require_POST
@staff_view
def application_approve(request, public_id):
    return _act(
        request,
        public_id,
        NoteForm,
        lambda application, data: services.application_approve_step(
            application=application,
            actor=request.user,
            note=data["note"],
            base_url=request.build_absolute_uri("/"),
        ),
        _("The step was approved."),
    )


@require_POST
@staff_view
def application_reject(request, public_id):
    return _act(
        request,
        public_id,
        RejectForm,
        lambda application, data: services.application_reject(
            application=application, actor=request.user, reason=data["reason"]
        ),
        _("The application was rejected; the applicant was told why."),
    )


@require_POST
@staff_view
def application_request_info(request, public_id):
    return _act(
        request,
        public_id,
        InfoRequestForm,
        lambda application, data: services.application_request_info(
            application=application, actor=request.user, question=data["question"]
        ),
        _("The applicant was asked for more information."),
    )


# --- configuration ---------------------------------------------------------------


def _users_and_queues():
    return {"users": selectors.vendor_users(), "queues": selectors.approval_queues()}


@config_view
def routing_rules(request):
    form = RoutingRuleForm(
        request.POST or None, programmes=selectors.programmes(), **_users_and_queues()
    )
    if request.method == "POST" and form.is_valid():
        try:
            config_services.routing_rule_create(
                actor=request.user, data=form.data_for_service()
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The routing rule was added."))
            return redirect("console:application_routing")
    return render(
        request,
        "onboarding/routing_rules.html",
        {
            "rules": list(selectors.routing_rules()),
            "fallback": services.fallback_queue(),
            "form": form,
        },
    )


@config_view
def routing_rule_edit(request, rule_id):
    rule = selectors.routing_rule_get(rule_id=rule_id)
    initial = {
        "name": rule.name,
        "position": rule.position,
        "programme": rule.programme,
        "regions": rule.regions,
        "countries": ", ".join(rule.countries),
        "partner_types": rule.partner_types,
        "user": rule.user,
        "queue": rule.queue,
        "is_active": rule.is_active,
    }
    form = RoutingRuleForm(
        request.POST or None,
        initial=initial,
        programmes=selectors.programmes(),
        **_users_and_queues(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            config_services.routing_rule_update(
                actor=request.user, rule=rule, data=form.data_for_service()
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The routing rule was saved."))
            return redirect("console:application_routing")
    return render(
        request,
        "onboarding/simple_form.html",
        {"form": form, "title": rule.name, "back": "console:application_routing"},
    )


@require_POST
@config_view
def routing_rule_delete(request, rule_id):
    rule = selectors.routing_rule_get(rule_id=rule_id)
    config_services.routing_rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("The routing rule was deleted."))
    return redirect("console:application_routing")


@config_view
def queues(request):
    form = QueueForm(request.POST or None, users=selectors.vendor_users())
    if request.method == "POST" and form.is_valid():
        try:
            config_services.approval_queue_save(actor=request.user, **form.cleaned_data)
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The queue was saved."))
            return redirect("console:application_queues")
    return render(
        request,
        "onboarding/queues.html",
        {"queues": list(selectors.approval_queues()), "form": form},
    )


@config_view
def queue_edit(request, queue_id):
    queue = selectors.approval_queue_get(queue_id=queue_id)
    initial = {
        "name": queue.name,
        "members": list(queue.members.all()),
        "is_fallback": queue.is_fallback,
    }
    form = QueueForm(
        request.POST or None, initial=initial, users=selectors.vendor_users()
    )
    if request.method == "POST" and form.is_valid():
        try:
            config_services.approval_queue_save(
                actor=request.user, queue=queue, **form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The queue was saved."))
            return redirect("console:application_queues")
    return render(
        request,
        "onboarding/simple_form.html",
        {"form": form, "title": queue.name, "back": "console:application_queues"},
    )


@config_view
def chains(request):
    programmes = selectors.programmes().prefetch_related("approval_steps", "questions")
    return render(request, "onboarding/chains.html", {"programmes": list(programmes)})


@config_view
def chain(request, public_id):
    programme = selectors.programme_get(public_id=public_id)
    which = request.POST.get("form") if request.method == "POST" else None
    step_form = ApprovalStepForm(
        request.POST if which == "step" else None, **_users_and_queues()
    )
    question_form = QuestionForm(request.POST if which == "question" else None)
    form = {"step": step_form, "question": question_form}.get(which)
    if form is not None and form.is_valid():
        try:
            if which == "step":
                config_services.approval_step_create(
                    actor=request.user, programme=programme, data=form.cleaned_data
                )
            else:
                config_services.question_create(
                    actor=request.user, programme=programme, data=form.cleaned_data
                )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("console:application_chain", public_id=public_id)
    return render(
        request,
        "onboarding/chain.html",
        {
            "programme": programme,
            "steps": list(selectors.approval_steps(programme=programme)),
            "questions": list(selectors.questions_of(programme=programme)),
            "step_form": step_form,
            "question_form": question_form,
        },
    )


@config_view
def chain_step_edit(request, public_id, step_id):
    programme = selectors.programme_get(public_id=public_id)
    step = selectors.approval_step_get(step_id=step_id)
    if step.programme_id != programme.pk:
        raise Http404
    initial = {
        name: getattr(step, name)
        for name in (
            "position",
            "name",
            "user",
            "queue",
            "sla_business_days",
            "escalate_to_user",
            "escalate_to_queue",
        )
    }
    form = ApprovalStepForm(
        request.POST or None, initial=initial, **_users_and_queues()
    )
    if request.method == "POST" and form.is_valid():
        try:
            config_services.approval_step_update(
                actor=request.user, step=step, data=form.cleaned_data
            )
        except ValidationFailed as error:
            form.add_service_errors(error.field_errors)
        else:
            messages.success(request, _("The step was saved."))
            return redirect("console:application_chain", public_id=public_id)
    return render(
        request,
        "onboarding/step_form.html",
        {"form": form, "programme": programme, "step": step},
    )


@require_POST
@config_view
def chain_step_delete(request, public_id, step_id):
    programme = selectors.programme_get(public_id=public_id)
    step = selectors.approval_step_get(step_id=step_id)
    if step.programme_id != programme.pk:
        raise Http404
    config_services.approval_step_delete(actor=request.user, step=step)
    messages.success(request, _("The step was deleted."))
    return redirect("console:application_chain", public_id=public_id)


@require_POST
@config_view
def chain_question_delete(request, public_id, question_id):
    programme = selectors.programme_get(public_id=public_id)
    question = selectors.question_get(programme=programme, question_id=question_id)
    config_services.question_delete(actor=request.user, question=question)
    messages.success(request, _("The question was deleted."))
    return redirect("console:application_chain", public_id=public_id)
