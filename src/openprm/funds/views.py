"""Console pages (budgets and allocation runs, requests and claims to review, the
finance payout queue) and portal pages (my funds, new request, a request with its
claims, history) of funds. Thin: each calls a selector or a service."""

import html

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from openprm.core import errors
from openprm.core.exports import download
from openprm.core.formatting import format_money
from openprm.core.pagination import COUNT_CAP, capped_count, requested_page
from openprm.core.web import act, console_page, form_page, portal_page, uuid_urls
from openprm.funds import permissions, reports, selectors, services
from openprm.funds.choices import ClaimStatus, FundKind, RequestStatus
from openprm.funds.forms import (
    ActivityTypeForm,
    AllocationRunForm,
    AttributionForm,
    BudgetForm,
    ClaimForm,
    FiscalYearForm,
    FundForm,
    PaymentForm,
    ReasonForm,
    RequestForm,
)

PER_PAGE = 50
# The badge of each request status (``_status.html``'s colours).
STATUS_BADGES = {
    RequestStatus.APPROVED: "text-bg-success",
    RequestStatus.REJECTED: "text-bg-danger",
    RequestStatus.SUBMITTED: "text-bg-warning",
}
# What a list of requests shows (``_requests_html``), the only columns it reads
# (the console's list shows the partner too).
REQUEST_COLUMNS = (
    "public_id",
    "title",
    "status",
    "starts_on",
    "ends_on",
    "amount",
    "currency",
    "created_at",
    "activity_type__name",
    "budget__fund__name",
    "budget__period__name",
)
# The rows the report page shows (the export has them all).
REPORT_ROWS = 200


def _download(stored, name: str):
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/octet-stream",
    )


def _request_context(fund_request, *, user) -> dict:
    attributions = selectors.request_attributions(request=fund_request)
    return {
        "fund_request": fund_request,
        "lines": list(fund_request.lines.all()),
        "claims": selectors.request_claims(request=fund_request),
        "attributions": attributions,
        "roi": selectors.request_roi(request=fund_request, attributions=attributions),
        "entries": list(
            selectors.ledger_visible_to(user=user).filter(request=fund_request)
        ),
    }


def _requests_html(requests, *, console: bool) -> SafeString:
    """The rows of a table of requests (``funds/_requests.html``), formatted in
    Python: a row through the template engine cost more than reading it (the
    detail URL is reversed and each status translated once per page)."""
    name = "console:fund_request_detail" if console else "portal:fund_request_detail"
    detail_url = uuid_urls(name)
    escape = html.escape
    labels = {value: escape(str(label)) for value, label in RequestStatus.choices}
    # "7 Dec 2026", as the template's date:"j M Y", the months translated once.
    months = {number: str(name).title() for number, name in MONTHS_3.items()}
    rows = []
    for item in requests:
        starts, ends = item.starts_on, item.ends_on
        dates = (
            f"{starts.day} {months[starts.month]} {starts.year} \u2013 "
            f"{ends.day} {months[ends.month]} {ends.year}"
        )
        rows.append(
            '<tr data-testid="fund-request-row">'
            f'<td><a href="{escape(detail_url(item.public_id))}">'
            f"{escape(item.title)}</a>"
            f'<div class="small text-secondary">{escape(item.activity_type.name)}'
            "</div></td>"
            + (f"<td>{escape(item.partner.name)}</td>" if console else "")
            + f"<td>{escape(item.budget.fund.name)}"
            f'<div class="small text-secondary">{escape(item.budget.period.name)}'
            f"</div></td><td>{escape(dates)}</td>"
            f'<td class="text-end">{escape(format_money(item.amount, item.currency))}'
            "</td>"
            f'<td><span class="badge '
            f'{STATUS_BADGES.get(item.status, "text-bg-secondary")}">'
            f"{labels.get(item.status) or escape(item.status)}</span></td></tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value is escaped)


def _bound(action, target, form):
    """``act``'s callable: ``action(target, data)`` with a form, else with None."""
    if form is not None:
        return lambda data: action(target, data)
    return lambda: action(target, None)


# --- console


@console_page(rule=permissions.READ)
def console_overview(request):
    """Budgets by period with what is allocated, and the set-up forms."""
    budgets = list(selectors.budgets())
    return render(
        request,
        "funds/console_overview.html",
        {
            "budgets": budgets,
            "funds": list(selectors.funds()),
            "can_manage": permissions.MANAGE.allows(request.user),
            "year_form": FiscalYearForm(),
            "fund_form": FundForm(),
            "budget_form": BudgetForm(
                funds=selectors.funds(), periods=selectors.periods()
            ),
            # The queues' sizes counted up to a cap ("more than"), as lists are.
            "queue_count": capped_count(
                selectors.review_queue(user=request.user), COUNT_CAP + 1
            ),
            "claim_count": capped_count(
                selectors.claim_queue(user=request.user), COUNT_CAP + 1
            ),
            "count_cap": COUNT_CAP,
        },
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def console_fiscal_year_create(request):
    return act(
        request,
        lambda data: services.fiscal_year_create(
            actor=request.user, fiscal_year=data["fiscal_year"]
        ),
        form=FiscalYearForm(request.POST),
        success=_("The fiscal year's quarters are ready."),
        next=reverse("console:fund_overview"),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def console_fund_create(request):
    return act(
        request,
        lambda data: services.fund_create(actor=request.user, **data),
        form=FundForm(request.POST),
        success=_("The fund was created."),
        next=reverse("console:fund_overview"),
    )


@console_page(rule=permissions.MANAGE)
def console_activity_types(request):
    """The activity types partners may ask funds for: add one, rename or withdraw
    (a withdrawn type stays on the requests that used it)."""
    form = ActivityTypeForm(request.POST or None)
    return form_page(
        request,
        form,
        template="funds/console_activity_types.html",
        save=lambda data: services.activity_type_save(actor=request.user, **data),
        success=_("The activity type was added."),
        next=reverse("console:fund_activity_types"),
        context={"types": selectors.activity_types(offered_only=False)},
        invalid_status=400,
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def console_activity_type_edit(request, type_id: int):
    activity_type = get_object_or_404(
        selectors.activity_types(offered_only=False), pk=type_id
    )
    return act(
        request,
        lambda data: services.activity_type_save(
            actor=request.user, activity_type=activity_type, **data
        ),
        form=ActivityTypeForm(request.POST),
        success=_("The activity type was saved."),
        next=reverse("console:fund_activity_types"),
    )


@console_page(rule=permissions.MANAGE)
@require_POST
def console_budget_create(request):
    funds = {str(fund.pk): fund for fund in selectors.funds()}
    periods = {str(period.pk): period for period in selectors.periods()}
    form = BudgetForm(request.POST, funds=funds.values(), periods=periods.values())
    return act(
        request,
        lambda data: services.budget_create(
            actor=request.user,
            fund=funds[data["fund"]],
            period=periods[data["period"]],
            amount=data["amount"],
            is_shared_pool=data["is_shared_pool"],
            carry_over_percent=data["carry_over_percent"],
        ),
        form=form,
        success=_("The budget was created."),
        next=lambda budget: (
            reverse("console:fund_budget", args=[budget.public_id])
            if budget
            else reverse("console:fund_overview")
        ),
        on_refusal=reverse("console:fund_overview"),
    )


@console_page(rule=permissions.READ)
def console_budget(request, public_id):
    """A budget's allocations and the allocation run: preview (GET with the
    form's values), then apply (POST)."""
    budget = selectors.budget_get(user=request.user, public_id=public_id)
    tiers = selectors.tier_names()
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = AllocationRunForm(
        data, tiers=tiers, accrues=budget.fund.kind == FundKind.COOP
    )
    preview = None
    if request.method == "POST":
        permissions.MANAGE.ensure(request.user)
        if form.is_valid():
            try:
                run = services.allocation_run_apply(
                    actor=request.user,
                    budget=budget,
                    method=form.cleaned_data["method"],
                    amounts=form.amounts(),
                )
            except errors.ApplicationError as error:
                if isinstance(error, errors.NotFound | errors.PermissionDenied):
                    raise
                form.add_service_error(error)
            else:
                from django.contrib import messages

                messages.success(
                    request,
                    _("%(count)d partners received an allocation.")
                    % {"count": run.partner_count},
                )
                return redirect("console:fund_budget", public_id=budget.public_id)
    elif (
        data is not None and permissions.MANAGE.allows(request.user) and form.is_valid()
    ):
        try:
            preview = services.allocation_preview(
                actor=request.user,
                budget=budget,
                method=form.cleaned_data["method"],
                amounts=form.amounts(),
            )
        except errors.ValidationFailed as error:
            form.add_service_error(error)
    allocations = selectors.allocations_visible_to(user=request.user).filter(
        budget=budget
    )
    return render(
        request,
        "funds/console_budget.html",
        {
            "budget": budget,
            "allocated": selectors.budget_allocated(budget=budget),
            "page": requested_page(request, allocations, per_page=PER_PAGE),
            "form": form,
            "preview": preview,
            "can_manage": permissions.MANAGE.allows(request.user),
        },
        status=400 if form.errors and request.method == "POST" else 200,
    )


@console_page(rule=permissions.READ)
def console_requests(request):
    status = request.GET.get("status", "")
    if status not in RequestStatus.values:
        status = ""
    page = requested_page(
        request,
        selectors.requests_visible_to(user=request.user, status=status).only(
            *REQUEST_COLUMNS, "partner__name"
        ),
        per_page=PER_PAGE,
    )
    return render(
        request,
        "funds/console_requests.html",
        {
            "page": page,
            "requests_html": _requests_html(page.object_list, console=True),
            "status": status,
            "statuses": RequestStatus.choices,
            "claims": selectors.claim_queue(user=request.user)[:PER_PAGE],
            "attributions": selectors.attribution_queue(user=request.user)[:PER_PAGE],
        },
    )


def _report(request):
    """The report the query string asks for (``by``, ``currency``, ``period``)."""
    currencies = reports.currencies()
    currency = request.GET.get("currency", "")
    if currency not in currencies:
        currency = currencies[0] if currencies else ""
    periods = list(selectors.periods())
    period_id = request.GET.get("period", "")
    period = next((p for p in periods if str(p.pk) == period_id), None)
    report = reports.fund_report(
        user=request.user,
        by=request.GET.get("by", "partner"),
        currency=currency,
        period_id=period.pk if period else None,
    )
    return report, {"currencies": currencies, "periods": periods, "period": period}


@console_page(rule=permissions.READ)
def console_reports(request):
    """Fund reports by partner, tier, region or activity type: two charts (the
    metrics dashboard's Chart.js), their tables, CSV/XLSX."""
    report, context = _report(request)
    return render(
        request,
        "funds/console_reports.html",
        {
            "report": report,
            "rows": report.rows[:REPORT_ROWS],
            "total": report.totals(),
            "groupings": reports.GROUPINGS.items(),
            "chart_data": reports.chart_data(report),
            **context,
        },
    )


@console_page(rule=permissions.READ)
def console_reports_export(request):
    report, _context = _report(request)
    return download(
        columns=reports.COLUMNS,
        rows=reports.export_rows(report),
        file_format="xlsx" if request.GET.get("format") == "xlsx" else "csv",
        name=f"fund-report-{report.by}",
        sheet="Fund report",
    )


@console_page(rule=permissions.READ)
def console_requests_export(request):
    """The requests (of the status chosen) as CSV or XLSX, with what was claimed
    and paid of each."""
    status = request.GET.get("status", "")
    return download(
        columns=selectors.EXPORT_COLUMNS,
        rows=selectors.requests_export_rows(
            user=request.user, status=status if status in RequestStatus.values else ""
        ),
        file_format="xlsx" if request.GET.get("format") == "xlsx" else "csv",
        name="fund-requests",
        sheet="Fund requests",
    )


@console_page(rule=permissions.READ)
def console_request_detail(request, public_id):
    fund_request = selectors.request_get(user=request.user, public_id=public_id)
    context = _request_context(fund_request, user=request.user)
    context.update(
        console=True,
        can_review=permissions.REVIEW.allows(request.user),
        reject_form=ReasonForm(),
        **selectors.approval_panel(user=request.user, subject=fund_request),
    )
    return render(request, "funds/request_detail.html", context)


def _console_request_act(request, public_id, action, *, success, form=None):
    fund_request = selectors.request_get(user=request.user, public_id=public_id)
    return act(
        request,
        (lambda data: action(fund_request, data))
        if form is not None
        else (lambda: action(fund_request, None)),
        form=form,
        success=success,
        next=reverse("console:fund_request_detail", args=[fund_request.public_id]),
    )


@console_page(rule=permissions.READ)
@require_POST
def console_request_approve(request, public_id):
    return _console_request_act(
        request,
        public_id,
        lambda item, _data: services.request_review(
            actor=request.user, request=item, approve=True
        ),
        success=_("Approved."),
    )


@console_page(rule=permissions.READ)
@require_POST
def console_request_reject(request, public_id):
    return _console_request_act(
        request,
        public_id,
        lambda item, data: services.request_review(
            actor=request.user, request=item, approve=False, reason=data["reason"]
        ),
        form=ReasonForm(request.POST),
        success=_("The request was rejected."),
    )


@console_page(rule=permissions.READ)
def console_request_plan(request, public_id):
    fund_request = selectors.request_get(user=request.user, public_id=public_id)
    if not fund_request.plan_file:
        raise Http404
    return _download(fund_request.plan_file, fund_request.plan_name)


@console_page(rule=permissions.READ)
def console_claim_detail(request, public_id):
    claim = selectors.claim_get(user=request.user, public_id=public_id)
    return render(
        request,
        "funds/claim_detail.html",
        {
            "claim": claim,
            "files": selectors.claim_files(claim=claim),
            "console": True,
            "can_pay": permissions.PAYOUT.allows(request.user),
            "reject_form": ReasonForm(),
            "payment_form": PaymentForm(),
            **selectors.approval_panel(user=request.user, subject=claim),
        },
    )


def _console_claim_act(request, public_id, action, *, success, form=None, back=None):
    claim = selectors.claim_get(user=request.user, public_id=public_id)
    return act(
        request,
        (lambda data: action(claim, data))
        if form is not None
        else (lambda: action(claim, None)),
        form=form,
        success=success,
        next=back or reverse("console:fund_claim_detail", args=[claim.public_id]),
    )


@console_page(rule=permissions.READ)
@require_POST
def console_claim_approve(request, public_id):
    return _console_claim_act(
        request,
        public_id,
        lambda claim, _data: services.claim_review(
            actor=request.user, claim=claim, approve=True
        ),
        success=_("Approved."),
    )


@console_page(rule=permissions.READ)
@require_POST
def console_claim_reject(request, public_id):
    return _console_claim_act(
        request,
        public_id,
        lambda claim, data: services.claim_review(
            actor=request.user, claim=claim, approve=False, reason=data["reason"]
        ),
        form=ReasonForm(request.POST),
        success=_("The claim was rejected."),
    )


@console_page(rule=permissions.READ)
def console_claim_file(request, public_id, file_id):
    claim = selectors.claim_get(user=request.user, public_id=public_id)
    item = selectors.claim_file_get(claim=claim, public_id=file_id)
    return _download(item.file, item.original_name)


@console_page(rule=permissions.PAYOUT)
def console_payouts(request):
    return render(
        request,
        "funds/console_payouts.html",
        {
            "to_approve": selectors.payout_queue(user=request.user)[:PER_PAGE],
            "to_pay": selectors.payout_queue(
                user=request.user, status=ClaimStatus.PAYOUT_APPROVED
            )[:PER_PAGE],
            "payment_form": PaymentForm(),
        },
    )


@console_page(rule=permissions.PAYOUT)
def console_payouts_csv(request):
    """The bank-transfer file: every claim whose payout is approved and unpaid."""
    claims = selectors.payout_queue(
        user=request.user, status=ClaimStatus.PAYOUT_APPROVED
    ).select_related("request")
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    return download(
        columns=services.PAYOUT_CSV_HEADERS,
        rows=services.payout_rows(claims),
        file_format=file_format,
        name="fund-payouts",
        sheet="Payouts",
    )


@console_page(rule=permissions.PAYOUT)
@require_POST
def console_payout_approve(request, public_id):
    return _console_claim_act(
        request,
        public_id,
        lambda claim, _data: services.payout_approve(actor=request.user, claim=claim),
        success=_("The payout was approved."),
        back=reverse("console:fund_payouts"),
    )


@console_page(rule=permissions.PAYOUT)
@require_POST
def console_payout_record(request, public_id):
    return _console_claim_act(
        request,
        public_id,
        lambda claim, data: services.payout_record(
            actor=request.user, claim=claim, reference=data["reference"]
        ),
        form=PaymentForm(request.POST),
        success=_("The payment was recorded."),
        back=reverse("console:fund_payouts"),
    )


@console_page(rule=permissions.REVIEW)
@require_POST
def console_attribution_decide(request, public_id):
    attribution = selectors.attribution_get(user=request.user, public_id=public_id)
    return act(
        request,
        lambda: services.attribution_decide(
            actor=request.user,
            attribution=attribution,
            approve=request.POST.get("decision") == "approve",
        ),
        success=_("The attribution was decided."),
        next=reverse(
            "console:fund_request_detail", args=[attribution.request.public_id]
        ),
    )


# --- portal


@portal_page(rule=permissions.PARTNER_READ)
def portal_funds(request):
    """My funds: the figures per currency, each allocation, requests and the
    latest ledger entries."""
    rows = selectors.partner_figures(user=request.user, partner=request.partner)
    requests = list(
        selectors.requests_visible_to(user=request.user, partner=request.partner)
        .select_related(None)
        .select_related("activity_type", "budget__fund", "budget__period")
        .only(*REQUEST_COLUMNS)[:PER_PAGE]
    )
    return render(
        request,
        "funds/portal_funds.html",
        {
            "rows": rows,
            "totals": selectors.totals_by_currency(rows),
            "requests": requests,
            "requests_html": _requests_html(requests, console=False),
            "entries": selectors.ledger_visible_to(
                user=request.user, partner=request.partner
            )[:10],
            "can_work": permissions.WORK.allows(
                request.user, partner_id=request.partner.pk
            ),
        },
    )


@portal_page(rule=permissions.PARTNER_READ)
def portal_history(request):
    entries = selectors.ledger_visible_to(user=request.user, partner=request.partner)
    return render(
        request,
        "funds/portal_history.html",
        {"page": requested_page(request, entries, per_page=PER_PAGE)},
    )


@portal_page(rule=permissions.WORK)
def portal_request_new(request):
    from django.utils import timezone

    budgets = {
        str(item.pk): item
        for item in selectors.budgets_open_for_requests(on=timezone.localdate())
    }
    types = {str(item.pk): item for item in selectors.activity_types()}
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        budgets=budgets.values(),
        activity_types=types.values(),
    )

    def save(data):
        return services.request_create(
            actor=request.user,
            partner=request.partner,
            budget=budgets[data["budget"]],
            activity_type=types[data["activity_type"]],
            title=data["title"],
            description=data["description"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            lines=form.lines(),
            expected_leads=data["expected_leads"],
            expected_revenue=data["expected_revenue"],
            plan=data.get("plan"),
            submit=request.POST.get("save") != "draft",
        )

    return form_page(
        request,
        form,
        template="funds/portal_request_form.html",
        save=save,
        success=_("Your request was sent for review."),
        next=lambda item: reverse("portal:fund_request_detail", args=[item.public_id]),
        invalid_status=400,
    )


@portal_page
def portal_request_detail(request, public_id):
    fund_request = selectors.request_get(user=request.user, public_id=public_id)
    context = _request_context(fund_request, user=request.user)
    can_work = permissions.WORK.allows(request.user, partner_id=fund_request.partner_id)
    context.update(
        console=False,
        can_work=can_work,
        questions=selectors.questions_for_partner(request=fund_request),
    )
    if can_work and fund_request.status in (
        RequestStatus.APPROVED,
        RequestStatus.CLOSED,
    ):
        context["attribution_form"] = AttributionForm(
            deals=selectors.attributable(
                user=request.user,
                partner=fund_request.partner,
                kind="deal",
                offered=True,
            )[:50],
            leads=selectors.attributable(
                user=request.user,
                partner=fund_request.partner,
                kind="lead",
                offered=True,
            )[:50],
        )
    return render(request, "funds/request_detail.html", context)


def _portal_request(request, public_id):
    """A request of an organisation where the user works funds (403 for the
    distributor above, who reads but does not act)."""
    fund_request = selectors.request_get(user=request.user, public_id=public_id)
    permissions.WORK.ensure(request.user, partner_id=fund_request.partner_id)
    return fund_request


@portal_page(rule=permissions.WORK)
def portal_claim_new(request, public_id):
    fund_request = _portal_request(request, public_id)
    form = ClaimForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        template="funds/portal_claim_form.html",
        save=lambda data: services.claim_submit(
            actor=request.user,
            request=fund_request,
            amount=data["amount"],
            description=data["description"],
            is_final=data["is_final"],
            payout_method=data["payout_method"],
            invoices=data["invoices"],
            proofs=data["proofs"],
        ),
        success=_("Your claim was sent for review."),
        next=reverse("portal:fund_request_detail", args=[fund_request.public_id]),
        context={"fund_request": fund_request},
        invalid_status=400,
    )


@portal_page(rule=permissions.WORK)
@require_POST
def portal_request_close(request, public_id):
    fund_request = _portal_request(request, public_id)
    return act(
        request,
        lambda: services.request_close(actor=request.user, request=fund_request),
        success=_("The request is closed; what was not claimed is available again."),
        next=reverse("portal:fund_request_detail", args=[fund_request.public_id]),
    )


@portal_page(rule=permissions.WORK)
@require_POST
def portal_request_answer(request, public_id):
    """The partner answers the vendor's question about the request or a claim."""
    fund_request = _portal_request(request, public_id)
    return act(
        request,
        lambda: services.request_answer(
            actor=request.user,
            request=fund_request,
            answer=request.POST.get("answer", ""),
        ),
        success=_("Your answer was sent; the review goes on."),
        next=reverse("portal:fund_request_detail", args=[fund_request.public_id]),
    )


@portal_page(rule=permissions.WORK)
@require_POST
def portal_request_submit(request, public_id):
    fund_request = _portal_request(request, public_id)
    return act(
        request,
        lambda: services.request_submit(actor=request.user, request=fund_request),
        success=_("Your request was sent for review."),
        next=reverse("portal:fund_request_detail", args=[fund_request.public_id]),
    )


@portal_page(rule=permissions.WORK)
@require_POST
def portal_attribution_propose(request, public_id):
    fund_request = _portal_request(request, public_id)
    kind, _sep, key = request.POST.get("target", "").partition(":")
    targets = selectors.attributable(
        user=request.user, partner=fund_request.partner, kind=kind
    )

    def propose():
        target = targets.filter(public_id=key).first() if key else None
        if target is None:
            raise errors.ValidationFailed(_("Choose one of your deals or leads."))
        return services.attribution_propose(
            actor=request.user,
            request=fund_request,
            **({"deal": target} if kind == "deal" else {"lead": target}),
        )

    return act(
        request,
        propose,
        success=_("Sent to the vendor for approval."),
        next=reverse("portal:fund_request_detail", args=[fund_request.public_id]),
    )


@portal_page
def portal_request_plan(request, public_id):
    fund_request = selectors.request_get(user=request.user, public_id=public_id)
    if not fund_request.plan_file:
        raise Http404
    return _download(fund_request.plan_file, fund_request.plan_name)


@portal_page
def portal_claim_file(request, public_id, file_id):
    claim = selectors.claim_get(user=request.user, public_id=public_id)
    item = selectors.claim_file_get(claim=claim, public_id=file_id)
    return _download(item.file, item.original_name)
