"""Console pages of onboarding's configuration (vendor admins): routing rules,
approval queues, and each programme's approval chain and application questions."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core.web import act, console_page, form_page
from openprm.onboarding import permissions
from openprm.onboarding.config import selectors, services
from openprm.onboarding.config.forms import (
    ApprovalStepForm,
    QuestionForm,
    QueueForm,
    RoutingRuleForm,
)

ROUTING_URL = "console:application_routing"
QUEUES_URL = "console:application_queues"
STEP_FIELDS = (
    "position",
    "name",
    "user",
    "queue",
    "sla_business_days",
    "escalate_to_user",
    "escalate_to_queue",
)


def _targets() -> dict:
    """The approvers and queues a rule or a step may send applications to."""
    return {"users": selectors.vendor_users(), "queues": selectors.approval_queues()}


def _chain_url(programme) -> str:
    return reverse("console:application_chain", args=[programme.public_id])


# --- routing rules


def _rule_form(request, rule=None) -> RoutingRuleForm:
    initial = None
    if rule is not None:
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
    return RoutingRuleForm(
        request.POST or None,
        initial=initial,
        programmes=selectors.programmes(),
        **_targets(),
    )


@console_page(rule=permissions.CONFIGURE)
def routing_rules(request):
    form = _rule_form(request)
    return form_page(
        request,
        form,
        template="onboarding/routing_rules.html",
        save=lambda data: services.routing_rule_create(
            actor=request.user, data=form.data_for_service()
        ),
        success=_("The routing rule was added."),
        next=ROUTING_URL,
        context={
            "rules": list(selectors.routing_rules()),
            "fallback": selectors.fallback_queue(),
        },
    )


@console_page(rule=permissions.CONFIGURE)
def routing_rule_edit(request, rule_id):
    rule = selectors.routing_rule_get(user=request.user, rule_id=rule_id)
    form = _rule_form(request, rule)
    return form_page(
        request,
        form,
        template="onboarding/simple_form.html",
        save=lambda data: services.routing_rule_update(
            actor=request.user, rule=rule, data=form.data_for_service()
        ),
        success=_("The routing rule was saved."),
        next=ROUTING_URL,
        context={"title": rule.name, "back": ROUTING_URL},
    )


@console_page(rule=permissions.CONFIGURE)
@require_POST
def routing_rule_delete(request, rule_id):
    rule = selectors.routing_rule_get(user=request.user, rule_id=rule_id)
    return act(
        request,
        lambda: services.routing_rule_delete(actor=request.user, rule=rule),
        success=_("The routing rule was deleted."),
        next=ROUTING_URL,
    )


# --- approval queues


@console_page(rule=permissions.CONFIGURE)
def queues(request):
    return form_page(
        request,
        QueueForm(request.POST or None, users=selectors.vendor_users()),
        template="onboarding/queues.html",
        save=lambda data: services.approval_queue_save(actor=request.user, **data),
        success=_("The queue was saved."),
        next=QUEUES_URL,
        context={"queues": list(selectors.approval_queues())},
    )


@console_page(rule=permissions.CONFIGURE)
def queue_edit(request, queue_id):
    queue = selectors.approval_queue_get(user=request.user, queue_id=queue_id)
    initial = {
        "name": queue.name,
        "members": list(queue.members.all()),
        "is_fallback": queue.is_fallback,
    }
    return form_page(
        request,
        QueueForm(
            request.POST or None, initial=initial, users=selectors.vendor_users()
        ),
        template="onboarding/simple_form.html",
        save=lambda data: services.approval_queue_save(
            actor=request.user, queue=queue, **data
        ),
        success=_("The queue was saved."),
        next=QUEUES_URL,
        context={"title": queue.name, "back": QUEUES_URL},
    )


# --- approval chains and questions


@console_page(rule=permissions.CONFIGURE)
def chains(request):
    programmes = selectors.programmes().prefetch_related("approval_steps", "questions")
    return render(request, "onboarding/chains.html", {"programmes": list(programmes)})


@console_page(rule=permissions.CONFIGURE)
def chain(request, public_id):
    """A programme's chain and questions; each has its own form on the page (the
    posted ``form`` says which)."""
    programme = selectors.programme_get(public_id=public_id)
    which = request.POST.get("form") if request.method == "POST" else None
    step_form = ApprovalStepForm(
        request.POST if which == "step" else None, **_targets()
    )
    question_form = QuestionForm(request.POST if which == "question" else None)
    if which == "question":
        form, save = question_form, services.question_create
    else:
        form, save = step_form, services.approval_step_create
    return form_page(
        request,
        form,
        template="onboarding/chain.html",
        save=lambda data: save(actor=request.user, programme=programme, data=data),
        success=_("Saved."),
        next=_chain_url(programme),
        context={
            "programme": programme,
            "steps": list(selectors.approval_steps(programme=programme)),
            "questions": list(selectors.questions_of(programme=programme)),
            "step_form": step_form,
            "question_form": question_form,
        },
    )


@console_page(rule=permissions.CONFIGURE)
def chain_step_edit(request, public_id, step_id):
    programme = selectors.programme_get(public_id=public_id)
    step = selectors.approval_step_get(
        user=request.user, programme=programme, step_id=step_id
    )
    form = ApprovalStepForm(
        request.POST or None,
        initial={name: getattr(step, name) for name in STEP_FIELDS},
        **_targets(),
    )
    return form_page(
        request,
        form,
        template="onboarding/step_form.html",
        save=lambda data: services.approval_step_update(
            actor=request.user, step=step, data=data
        ),
        success=_("The step was saved."),
        next=_chain_url(programme),
        context={"programme": programme, "step": step},
    )


@console_page(rule=permissions.CONFIGURE)
@require_POST
def chain_step_delete(request, public_id, step_id):
    programme = selectors.programme_get(public_id=public_id)
    step = selectors.approval_step_get(
        user=request.user, programme=programme, step_id=step_id
    )
    return act(
        request,
        lambda: services.approval_step_delete(actor=request.user, step=step),
        success=_("The step was deleted."),
        next=_chain_url(programme),
    )


@console_page(rule=permissions.CONFIGURE)
@require_POST
def chain_question_delete(request, public_id, question_id):
    programme = selectors.programme_get(public_id=public_id)
    question = selectors.question_get(programme=programme, question_id=question_id)
    return act(
        request,
        lambda: services.question_delete(actor=request.user, question=question),
        success=_("The question was deleted."),
        next=_chain_url(programme),
    )
