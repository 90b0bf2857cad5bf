"""Console pages (review queue, deals, a deal with its conflicts and decisions) and
portal pages (register, track, answer, extend, report the outcome) of deals.

The portal's list and registration pages are the organisation's it works for (the
switcher's), so their rule is checked there; a deal's own pages are gated by a deal
role in any of the user's organisations (the list may show another organisation's
deals of theirs), and the services check the deal's own organisation.
"""

import html
from datetime import date

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core import errors
from openprm.core.formatting import format_money
from openprm.core.pagination import capped_page
from openprm.core.web import act, console_page, portal_page, uuid_urls
from openprm.deals import permissions, selectors, services
from openprm.deals.choices import IN_REVIEW, DealStatus, ExtensionStatus
from openprm.deals.forms import (
    LINE_ROWS,
    AnswerForm,
    DealRegistrationForm,
    ExtensionDecisionForm,
    ExtensionForm,
    LostForm,
    QuestionForm,
    RejectForm,
    WonForm,
)
from openprm.deals.models import Deal
from openprm.incentives import selectors as incentive_selectors

PER_PAGE = 50


# The badge of each status (deals/_status.html, which single deals still use).
STATUS_BADGES = {
    DealStatus.APPROVED: "text-bg-success",
    DealStatus.WON: "text-bg-primary",
    DealStatus.REJECTED: "text-bg-danger",
    DealStatus.LOST: "text-bg-danger",
    DealStatus.EXPIRED: "text-bg-secondary",
    DealStatus.MORE_INFO_REQUESTED: "text-bg-warning",
}
DASH = "\u2014"


def _page(request, queryset, *, console: bool, queue: bool = False):
    """The page's deals keys first, counted up to a cap (``core.pagination``), and
    their table rows as HTML (``rows_html``)."""
    page = capped_page(queryset, per_page=PER_PAGE, number=request.GET.get("page"))
    page.rows_html = _rows_html(page.object_list, console=console, queue=queue)
    return page


def _local(value, pattern: str) -> str:
    return timezone.localtime(value).strftime(pattern) if value else ""


def _rows_html(deals, *, console: bool, queue: bool) -> SafeString:
    """The table rows of one page, formatted in Python: a row through the template
    engine cost more than reading it (the detail URL is reversed once per page)."""
    name = "console:deal_detail" if console else "portal:deal_detail"
    detail_url = uuid_urls(name)
    escape = html.escape
    # Each status translated once per page, not once per row.
    labels = {value: escape(str(label)) for value, label in DealStatus.choices}
    escalated = escape(str(_("escalated")))
    overdue = escape(str(_("overdue")))
    rows = []
    for deal in deals:
        cells = [
            f'<td><a href="{escape(detail_url(deal.public_id))}">'
            f"{escape(deal.title)}</a></td>",
            f"<td>{escape(deal.customer_name)}"
            + (
                f'<div class="small text-secondary">{escape(deal.customer_domain)}'
                "</div>"
                if deal.customer_domain
                else ""
            )
            + "</td>",
        ]
        if console:
            cells.append(f"<td>{escape(deal.partner.name)}</td>")
        lines = " ".join(
            f'<span class="badge text-bg-light">{escape(line.product_line)}</span>'
            for line in deal.lines.all()
        )
        cells.append(f"<td>{lines}</td>")
        cells.append(
            f'<td class="text-end">'
            f"{escape(format_money(deal.total_amount, deal.currency))}</td>"
        )
        cells.append(f"<td>{escape(deal.stage.name)}</td>")
        badge = STATUS_BADGES.get(deal.status, "text-bg-info")
        cells.append(
            f'<td><span class="badge {badge}" data-testid="status">'
            f"{labels.get(deal.status) or escape(deal.status)}</span></td>"
        )
        if queue:
            due = escape(_local(deal.review_due_at, "%Y-%m-%d %H:%M"))
            if deal.escalated_at:
                due += f' <span class="badge text-bg-danger">{escalated}</span>'
            elif deal.reminded_at:
                due += f' <span class="badge text-bg-warning">{overdue}</span>'
        else:
            due = escape(_local(deal.protected_until, "%Y-%m-%d") or DASH)
        cells.append(f"<td>{due}</td>")
        cells.append(
            f'<td><span class="badge text-bg-warning" data-testid="conflict-score">'
            f"{deal.conflict_score}</span></td>"
            if deal.conflict_score
            else f"<td>{DASH}</td>"
        )
        rows.append('<tr data-testid="deal-row">' + "".join(cells) + "</tr>")
    return mark_safe("\n".join(rows))  # noqa: S308 (every value is escaped)


def _detail_context(deal, *, console: bool) -> dict:
    lines = list(deal.lines.all())
    return {
        "deal": deal,
        "lines": lines,
        "conflicts": selectors.deal_conflicts(deal=deal),
        "blocking": selectors.deal_blocking_protection(deal=deal, lines=lines),
        "notes": selectors.deal_notes(deal=deal),
        "extensions": selectors.deal_extensions(deal=deal),
        "attachments": selectors.deal_attachments(deal=deal),
        # Sales the partner reported for this customer (incentives' matching).
        "reported_sales": list(incentive_selectors.deal_sales(deal=deal)),
        "in_review": deal.status in IN_REVIEW,
        "console": console,
    }


def _download(attachment):
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )


# --- console


def _console_detail(deal: Deal) -> str:
    return reverse("console:deal_detail", args=[deal.public_id])


@console_page(rule=permissions.REVIEW)
def deal_queue(request):
    queue = selectors.review_queue(user=request.user)
    return render(
        request,
        "deals/queue.html",
        {
            "page": _page(request, queue, console=True, queue=True),
            "statuses": DealStatus.choices,
        },
    )


@console_page
def deal_list(request):
    status = request.GET.get("status", "")
    if status not in DealStatus.values:
        status = ""
    deals = selectors.deal_list_visible_to(
        user=request.user, status=status, search=request.GET.get("q", "")
    )
    return render(
        request,
        "deals/console_list.html",
        {
            "page": _page(request, deals, console=True),
            "status": status,
            "statuses": DealStatus.choices,
            "q": request.GET.get("q", ""),
            "can_review": permissions.REVIEW.allows(request.user),
        },
    )


@console_page
def deal_detail(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    context = _detail_context(deal, console=True)
    context.update(
        can_review=permissions.REVIEW.allows(request.user),
        question_form=QuestionForm(),
        reject_form=RejectForm(),
    )
    return render(request, "deals/console_detail.html", context)


@console_page(rule=permissions.REVIEW)
@require_POST
def deal_approve(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.deal_approve(actor=request.user, deal=deal),
        success=_("The registration was approved."),
        next=_console_detail(deal),
    )


@console_page(rule=permissions.REVIEW)
@require_POST
def deal_reject(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.deal_reject(
            actor=request.user, deal=deal, reason=data["reason"]
        ),
        form=RejectForm(request.POST),
        success=_("The registration was rejected."),
        next=_console_detail(deal),
    )


@console_page(rule=permissions.REVIEW)
@require_POST
def deal_request_info(request, public_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda data: services.deal_request_info(
            actor=request.user, deal=deal, question=data["question"]
        ),
        form=QuestionForm(request.POST),
        success=_("The partner was asked for more information."),
        next=_console_detail(deal),
    )


@console_page(rule=permissions.REVIEW)
@require_POST
def deal_extension_decide(request, public_id, extension_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    extension = selectors.extension_get(deal=deal, extension_id=extension_id)
    return act(
        request,
        lambda data: services.deal_extension_decide(
            actor=request.user,
            extension=extension,
            approve=data["decision"] == "approve",
        ),
        form=ExtensionDecisionForm(request.POST),
        success=lambda decided: (
            _("The extension was approved.")
            if decided.status == ExtensionStatus.APPROVED
            else _("The extension was refused.")
        ),
        next=_console_detail(deal),
    )


@console_page
def console_attachment(request, public_id, attachment_id):
    deal = selectors.deal_get(user=request.user, public_id=public_id)
    return _download(selectors.attachment_get(deal=deal, public_id=attachment_id))


# --- portal


def _portal_deal(request, public_id) -> Deal:
    """A deal the user may read: 403 without a deal role in any of their
    organisations, 404 outside their scope."""
    permissions.WORK.ensure(request.user)
    return selectors.deal_get(user=request.user, public_id=public_id)


def _portal_detail(deal: Deal) -> str:
    return reverse("portal:deal_detail", args=[deal.public_id])


@portal_page(rule=permissions.WORK)
def portal_deal_list(request):
    deals = selectors.deal_list_visible_to(
        user=request.user, status=request.GET.get("status", "")
    )
    return render(
        request,
        "deals/portal_list.html",
        {"page": _page(request, deals, console=False)},
    )


@portal_page(rule=permissions.WORK)
def portal_deal_register(request):
    """The registration form. Unlike ``form_page``, success says so as a warning
    when the registration has possible conflicts."""
    stages = list(selectors.stages(open_only=True))
    form = DealRegistrationForm(
        request.POST or None,
        request.FILES or None,
        stages=stages,
        partner=request.partner,
    )
    if request.method == "POST" and form.is_valid():
        try:
            deal = services.deal_register(
                actor=request.user,
                partner=request.partner,
                **form.registration(stages),
            )
        except errors.ValidationFailed as error:
            form.add_service_error(error)
        else:
            if deal.conflict_score:
                messages.warning(
                    request,
                    _(
                        "Registered, with possible conflicts: the reviewer sees them "
                        "too. The reasons are below."
                    ),
                )
            else:
                messages.success(request, _("Registered: the vendor will review it."))
            return redirect(_portal_detail(deal))
    return render(request, "deals/portal_register.html", {"form": form})


@portal_page(rule=permissions.WORK)
def portal_deal_conflict_preview(request):
    """The conflicts the registration being filled in would have (the form's
    values, sent by htmx as they change): the portal's organisation's own
    registrations by title, another partner's by status only."""
    data = request.GET
    try:
        close_date = date.fromisoformat(data.get("expected_close_date", ""))
    except ValueError:
        close_date = None
    found, blocking = selectors.conflict_preview(
        user=request.user,
        partner=request.partner,
        customer_name=data.get("customer_name", "")[:200],
        customer_domain=data.get("customer_domain", "")[:253],
        contact_email=data.get("contact_email", "")[:254],
        product_lines=[
            data.get(f"line{index}_product_line", "")[:64] for index in range(LINE_ROWS)
        ],
        expected_close_date=close_date,
    )
    return render(
        request,
        "deals/_conflict_preview.html",
        {
            "found": found,
            "blocking": blocking,
            "asked": bool(data.get("customer_name", "").strip()),
        },
    )


@portal_page
def portal_deal_detail(request, public_id):
    deal = _portal_deal(request, public_id)
    context = _detail_context(deal, console=False)
    context.update(
        can_work=permissions.WORK.allows(request.user, partner_id=deal.partner_id),
        answer_form=AnswerForm(),
        extension_form=ExtensionForm(),
        won_form=WonForm(),
        lost_form=LostForm(),
    )
    return render(request, "deals/portal_detail.html", context)


def _portal_act(request, public_id, action, *, form, success):
    """A button on a deal's page: ``action(deal, cleaned_data)``, for those who
    work deals for the deal's organisation (403 before the input is read: the
    distributor above reads the deal but does not act on it)."""
    deal = _portal_deal(request, public_id)
    permissions.WORK.ensure(request.user, partner_id=deal.partner_id)
    return act(
        request,
        lambda data: action(deal, data),
        form=form,
        success=success,
        next=_portal_detail(deal),
    )


@portal_page
@require_POST
def portal_deal_answer(request, public_id):
    return _portal_act(
        request,
        public_id,
        lambda deal, data: services.deal_answer(
            actor=request.user, deal=deal, answer=data["answer"]
        ),
        form=AnswerForm(request.POST),
        success=_("Your answer was sent to the reviewer."),
    )


@portal_page
@require_POST
def portal_deal_extension(request, public_id):
    return _portal_act(
        request,
        public_id,
        lambda deal, data: services.deal_extension_request(
            actor=request.user, deal=deal, days=data["days"], reason=data["reason"]
        ),
        form=ExtensionForm(request.POST),
        success=_("The extension was requested."),
    )


@portal_page
@require_POST
def portal_deal_won(request, public_id):
    return _portal_act(
        request,
        public_id,
        lambda deal, data: services.deal_mark_won(
            actor=request.user, deal=deal, amount=data["amount"], won_on=data["won_on"]
        ),
        form=WonForm(request.POST),
        success=_("Congratulations: the deal is won and its revenue recorded."),
    )


@portal_page
@require_POST
def portal_deal_lost(request, public_id):
    return _portal_act(
        request,
        public_id,
        lambda deal, data: services.deal_mark_lost(
            actor=request.user, deal=deal, reason=data["reason"]
        ),
        form=LostForm(request.POST),
        success=_("The deal is marked lost."),
    )


@portal_page
def portal_attachment(request, public_id, attachment_id):
    deal = _portal_deal(request, public_id)
    return _download(selectors.attachment_get(deal=deal, public_id=attachment_id))
