"""The console's Approvals pages: the reader's queue, a request with its history
and actions, and the reader's absences (delegations)."""

import html

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.approvals import permissions, selectors, services, subjects
from openprm.approvals.choices import QueueView, RequestStatus
from openprm.approvals.forms import (
    ChainStepForm,
    DelegationForm,
    InfoRequestForm,
    NoteForm,
    QueueFilterForm,
    RejectForm,
)
from openprm.core.formatting import format_money
from openprm.core.pagination import requested_page
from openprm.core.web import act, console_page, form_page, uuid_urls

REQUESTS_PER_PAGE = 50
DASH = "\u2014"
# What the queue's rows show (``_rows_html``), the only columns its page reads.
QUEUE_COLUMNS = (
    "public_id",
    "kind",
    "subject_label",
    "partner__name",
    "amount",
    "currency",
    "status",
    "escalation_level",
    "step_position",
    "step_name",
    "assignee__email",
    "queue__name",
    "due_at",
    "created_at",
    "decided_at",
)


@console_page(rule=permissions.READ)
def approval_queue(request):
    """What waits on the reader (their own steps, their queues', and those of
    colleagues away who named them), soonest due first: the page's keys first,
    counted up to a cap (``core.pagination``), its rows formatted in Python."""
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.RequestFilters(
        view=data.get("view") or QueueView.MINE,
        kind=data.get("kind") or "",
        status=data.get("status") or "",
        search=(data.get("q") or "").strip(),
    )
    requests = selectors.request_queue(user=request.user, filters=filters).only(
        *QUEUE_COLUMNS
    )
    page = requested_page(request, requests, per_page=REQUESTS_PER_PAGE)
    kinds = {kind.key: kind.label for kind in subjects.registered()}
    rows = [(item, kinds.get(item.kind, item.kind)) for item in page.object_list]
    return render(
        request,
        "approvals/queue.html",
        {
            "page": page,
            "rows": rows,
            "rows_html": _rows_html(rows),
            "form": form,
            "view": filters.view,
            "views": QueueView.choices,
            "can_configure": permissions.CONFIGURE.allows(request.user),
        },
    )


def _rows_html(rows) -> SafeString:
    """The queue's table rows, formatted in Python: a row through the template
    engine cost more than reading it (the detail URL is reversed, each status
    and word translated, and the date format looked up once per page)."""
    detail_url = uuid_urls("console:approval_detail")
    escape = html.escape
    statuses = {value: escape(str(label)) for value, label in RequestStatus.choices}
    escalated = escape(str(_("escalated")))
    overdue = escape(str(_("overdue")))
    waiting = escape(str(_("waiting for the requester")))
    admins = escape(str(_("vendor admins")))
    date_pattern = get_format("SHORT_DATETIME_FORMAT")
    now = timezone.now()
    kinds: dict[str, str] = {}
    lines = []
    for approval, kind_label in rows:
        if approval.kind not in kinds:
            kinds[approval.kind] = escape(str(kind_label))
        late = bool(
            approval.status == RequestStatus.IN_REVIEW
            and approval.due_at
            and approval.due_at <= now
        )
        subject = (
            f'<a href="{escape(detail_url(approval.public_id))}">'
            f"{escape(approval.subject_label)}</a>"
        )
        if approval.partner_id:
            subject += (
                f'<div class="small text-secondary">{escape(approval.partner.name)}'
                "</div>"
            )
        what = kinds[approval.kind] + (
            '<div class="small text-secondary">'
            f"{statuses.get(approval.status, escape(approval.status))}"
            + (
                f' · <span class="badge text-bg-warning">{escalated}</span>'
                if approval.escalation_level
                else ""
            )
            + "</div>"
        )
        amount = (
            escape(format_money(approval.amount, approval.currency))
            if approval.amount is not None
            else DASH
        )
        step = (
            f"{approval.step_position}. {escape(approval.step_name)}"
            if approval.is_open
            else DASH
        )
        if approval.assignee_id:
            with_whom = escape(approval.assignee.email)
        elif approval.queue_id:
            with_whom = escape(approval.queue.name)
        else:
            with_whom = admins
        if approval.due_at:
            due = escape(date_format(timezone.localtime(approval.due_at), date_pattern))
            if late:
                due = (
                    f'<span class="badge text-bg-danger" data-testid="overdue">'
                    f"{overdue}</span> {due}"
                )
        elif approval.status == RequestStatus.INFO_REQUESTED:
            due = f'<span class="text-secondary">{waiting}</span>'
        else:
            due = DASH
        lines.append(
            ('<tr class="table-danger">' if late else "<tr>")
            + f"<td>{subject}</td><td>{what}</td><td>{amount}</td><td>{step}</td>"
            f"<td>{with_whom}</td><td>{due}</td></tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308 (every value is escaped)


def _detail_url(approval) -> str:
    return reverse("console:approval_detail", args=[approval.public_id])


@console_page(rule=permissions.READ)
def approval_detail(request, public_id):
    approval = selectors.request_get(user=request.user, public_id=public_id)
    kind = subjects.get(approval.kind)
    return render(
        request,
        "approvals/detail.html",
        {
            "approval": approval,
            "kind_label": kind.label,
            "subject_url": kind.url(approval),
            "actions": list(approval.actions.all()),
            "can_act": approval.is_open and selectors.may_act(request.user, approval),
            "note_form": NoteForm(),
            "reject_form": RejectForm(),
            "info_form": InfoRequestForm(),
        },
    )


@console_page(rule=permissions.READ)
@require_POST
def approval_approve(request, public_id):
    approval = selectors.request_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.request_approve(
            request=approval,
            actor=request.user,
            note=data["note"],
            context={"base_url": request.build_absolute_uri("/")},
        ),
        form=NoteForm(request.POST),
        success=_("The step was approved."),
        next=_detail_url(approval),
    )


@console_page(rule=permissions.READ)
@require_POST
def approval_reject(request, public_id):
    approval = selectors.request_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.request_reject(
            request=approval, actor=request.user, reason=data["reason"]
        ),
        form=RejectForm(request.POST),
        success=_("The request was rejected."),
        next=_detail_url(approval),
    )


@console_page(rule=permissions.READ)
@require_POST
def approval_request_info(request, public_id):
    approval = selectors.request_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.request_ask_info(
            request=approval, actor=request.user, question=data["question"]
        ),
        form=InfoRequestForm(request.POST),
        success=_("The requester was asked for more information."),
        next=_detail_url(approval),
    )


@console_page(rule=permissions.DELEGATE)
def delegation_list(request):
    """The reader's absences and whom they stand in for, with the form to add one."""
    form = DelegationForm(request.POST or None, user=request.user)
    return form_page(
        request,
        form,
        template="approvals/delegations.html",
        save=lambda data: services.delegation_create(
            actor=request.user, user=request.user, **data
        ),
        success=_("Your absence was recorded; your delegate sees what waits on you."),
        next=reverse("console:approval_delegations"),
        context={
            "delegations": list(selectors.delegations_visible_to(request.user)[:100]),
            "can_end_any": permissions.DECIDE_ANY.allows(request.user),
        },
    )


@console_page(rule=permissions.DELEGATE)
@require_POST
def delegation_end(request, delegation_id):
    delegation = selectors.delegation_get(
        user=request.user, delegation_id=delegation_id
    )
    return act(
        request,
        lambda: services.delegation_end(actor=request.user, delegation=delegation),
        success=_("The absence was ended."),
        next=reverse("console:approval_delegations"),
    )


# --- chain configuration


def _kind_or_404(key: str):
    try:
        return subjects.get(key)
    except LookupError:
        raise Http404 from None


@console_page(rule=permissions.CONFIGURE)
def chain_list(request):
    """Every registered subject kind with its chain steps, in order."""
    steps = list(selectors.chain_steps(user=request.user))
    chains = [
        {"kind": kind, "steps": [step for step in steps if step.kind == kind.key]}
        for kind in subjects.registered()
    ]
    return render(request, "approvals/chains.html", {"chains": chains})


@console_page(rule=permissions.CONFIGURE)
def chain_step_new(request, kind):
    subject = _kind_or_404(kind)
    form = ChainStepForm(request.POST or None)
    return form_page(
        request,
        form,
        template="approvals/chain_step_form.html",
        save=lambda data: services.chain_step_save(
            actor=request.user, kind=subject.key, **data
        ),
        success=_("The step was added at the end of the chain."),
        next=reverse("console:approval_chains"),
        context={"subject": subject, "step": None},
        invalid_status=400,
    )


@console_page(rule=permissions.CONFIGURE)
def chain_step_edit(request, step_id):
    step = selectors.chain_step_get(user=request.user, step_id=step_id)
    form = (
        ChainStepForm(request.POST)
        if request.method == "POST"
        else ChainStepForm.for_step(step)
    )
    return form_page(
        request,
        form,
        template="approvals/chain_step_form.html",
        save=lambda data: services.chain_step_save(
            actor=request.user, step=step, kind=step.kind, **data
        ),
        success=_("The step was saved."),
        next=reverse("console:approval_chains"),
        context={"subject": _kind_or_404(step.kind), "step": step},
        invalid_status=400,
    )


@console_page(rule=permissions.CONFIGURE)
@require_POST
def chain_step_move(request, step_id):
    step = selectors.chain_step_get(user=request.user, step_id=step_id)
    return act(
        request,
        lambda: services.chain_step_move(
            actor=request.user, step=step, up=request.POST.get("direction") == "up"
        ),
        success=_("The chain's order was changed."),
        next=reverse("console:approval_chains"),
    )


@console_page(rule=permissions.CONFIGURE)
@require_POST
def chain_step_delete(request, step_id):
    step = selectors.chain_step_get(user=request.user, step_id=step_id)
    return act(
        request,
        lambda: services.chain_step_delete(actor=request.user, step=step),
        success=_("The step was removed."),
        next=reverse("console:approval_chains"),
    )
