"""REST endpoints of funds: set-up (fiscal years, funds, budgets, activity types),
allocation runs with their preview, the partner's figures and ledger, requests
and their decisions, claims with files, payouts, and attributions."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from openprm.core.api import ApiRouter, Page, ReasonIn, StrictSchema, lookup
from openprm.core.errors import NotFound, ValidationFailed
from openprm.funds import permissions, reports, selectors, services
from openprm.funds.models import Budget, Fund, FundClaim, FundRequest
from openprm.partners.models import Partner

router = ApiRouter(tags=["funds"])


# --- schemas


class FundOut(Schema):
    id: UUID
    name: str
    kind: str
    currency: str
    is_active: bool

    @staticmethod
    def resolve_id(obj: Fund) -> UUID:
        return obj.public_id


class FundIn(StrictSchema):
    name: str
    kind: str
    currency: str


class FiscalYearIn(StrictSchema):
    fiscal_year: int


class FiscalPeriodOut(Schema):
    id: int
    name: str
    fiscal_year: int
    quarter: int
    starts_on: date
    ends_on: date


class BudgetOut(Schema):
    id: UUID
    fund: str
    fund_id: UUID
    period: str
    period_id: int
    currency: str
    amount: Decimal
    unallocated: Decimal
    is_shared_pool: bool
    carry_over_percent: int
    accrual_percent: Decimal | None
    closed_at: datetime | None

    @staticmethod
    def resolve_id(obj: Budget) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_fund(obj: Budget) -> str:
        return obj.fund.name

    @staticmethod
    def resolve_fund_id(obj: Budget) -> UUID:
        return obj.fund.public_id

    @staticmethod
    def resolve_period(obj: Budget) -> str:
        return obj.period.name

    @staticmethod
    def resolve_currency(obj: Budget) -> str:
        return obj.fund.currency


class BudgetIn(StrictSchema):
    fund: UUID
    period: int
    amount: Decimal
    is_shared_pool: bool = False
    carry_over_percent: int = 0


class AllocationRunIn(StrictSchema):
    method: str
    amounts: dict[str, Decimal]


class AllocationPreviewLineOut(Schema):
    partner_id: int
    name: str
    amount: Decimal
    reason: str


class AllocationPreviewOut(Schema):
    lines: list[AllocationPreviewLineOut]
    total: Decimal
    unallocated: Decimal
    fits: bool


class AllocationRunOut(Schema):
    id: UUID
    method: str
    total: Decimal
    partner_count: int

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id


class FundFiguresOut(Schema):
    allocation: UUID
    partner: int
    fund: str
    period: str
    currency: str
    allocated: Decimal
    available: Decimal
    committed: Decimal
    claimed: Decimal
    paid: Decimal
    is_expiring: bool
    expiring: Decimal


class EntryOut(Schema):
    occurred_at: datetime
    partner: int
    kind: str
    amount: Decimal
    currency: str
    fund: str
    period: str
    request: UUID | None
    note: str

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_currency(obj) -> str:
        return obj.allocation.budget.fund.currency

    @staticmethod
    def resolve_fund(obj) -> str:
        return obj.allocation.budget.fund.name

    @staticmethod
    def resolve_period(obj) -> str:
        return obj.allocation.budget.period.name

    @staticmethod
    def resolve_request(obj) -> UUID | None:
        return obj.request.public_id if obj.request_id else None


class ActivityTypeOut(Schema):
    id: int
    name: str
    is_active: bool


class FundCostLineIn(StrictSchema):
    description: str
    amount: Decimal


class FundCostLineOut(Schema):
    description: str
    amount: Decimal


class FundRequestIn(StrictSchema):
    partner: int | None = None
    budget: UUID
    activity_type: int
    title: str
    description: str = ""
    starts_on: date
    ends_on: date
    lines: list[FundCostLineIn]
    expected_leads: int = 0
    expected_revenue: Decimal = Decimal(0)
    submit: bool = True


class FundRoiOut(Schema):
    cost: Decimal
    leads: int
    pipeline: Decimal
    won: Decimal
    currency: str
    ratio_percent: Decimal | None


class FundRequestOut(Schema):
    id: UUID
    partner: int
    budget: UUID
    fund: str
    period: str
    activity_type: str
    title: str
    description: str
    starts_on: date
    ends_on: date
    amount: Decimal
    currency: str
    expected_leads: int
    expected_revenue: Decimal
    campaign_code: str
    status: str
    open_commitment: Decimal
    claim_deadline: date | None
    decision_reason: str
    has_plan: bool

    @staticmethod
    def resolve_id(obj: FundRequest) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: FundRequest) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_budget(obj: FundRequest) -> UUID:
        return obj.budget.public_id

    @staticmethod
    def resolve_fund(obj: FundRequest) -> str:
        return obj.budget.fund.name

    @staticmethod
    def resolve_period(obj: FundRequest) -> str:
        return obj.budget.period.name

    @staticmethod
    def resolve_activity_type(obj: FundRequest) -> str:
        return obj.activity_type.name

    @staticmethod
    def resolve_has_plan(obj: FundRequest) -> bool:
        return bool(obj.plan_file)


class FundApprovalOut(Schema):
    """Where the subject's approval on the engine stands (vendor staff read it
    in full at ``/api/v1/approvals/{id}``)."""

    id: UUID
    status: str
    step: int
    step_name: str
    due_at: datetime | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_step(obj) -> int:
        return obj.step_position


class FundRequestDetailOut(FundRequestOut):
    lines: list[FundCostLineOut]
    roi: FundRoiOut
    approval: FundApprovalOut | None

    @staticmethod
    def resolve_lines(obj: FundRequest) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_roi(obj: FundRequest) -> dict:
        roi = selectors.request_roi(
            request=obj, attributions=selectors.request_attributions(request=obj)
        )
        return {**roi.__dict__, "ratio_percent": roi.ratio}


class FundRequestFilters(StrictSchema):
    status: str = ""


class ClaimFileOut(Schema):
    id: UUID
    kind: str
    name: str
    content_type: str
    size: int

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.original_name


class FundClaimOut(Schema):
    id: UUID
    partner: int
    request: UUID
    amount: Decimal
    currency: str
    description: str
    is_final: bool
    status: str
    payout_method: str
    submitted_at: datetime
    decision_reason: str
    paid_at: datetime | None
    payment_reference: str

    @staticmethod
    def resolve_id(obj: FundClaim) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: FundClaim) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_request(obj: FundClaim) -> UUID:
        return obj.request.public_id

    @staticmethod
    def resolve_currency(obj: FundClaim) -> str:
        return obj.request.budget.fund.currency


class FundClaimDetailOut(FundClaimOut):
    files: list[ClaimFileOut]
    approval: FundApprovalOut | None

    @staticmethod
    def resolve_files(obj: FundClaim) -> list:
        return selectors.claim_files(claim=obj)


class FundClaimIn(Schema):
    amount: Decimal
    description: str = ""
    is_final: bool = False
    payout_method: str = "bank_transfer"


class FundPaymentIn(StrictSchema):
    reference: str


class AttributionIn(StrictSchema):
    deal: UUID | None = None
    lead: UUID | None = None


class AttributionOut(Schema):
    id: UUID
    request: UUID
    deal: UUID | None
    lead: UUID | None
    source: str
    status: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_request(obj) -> UUID:
        return obj.request.public_id

    @staticmethod
    def resolve_deal(obj) -> UUID | None:
        return obj.deal.public_id if obj.deal_id else None

    @staticmethod
    def resolve_lead(obj) -> UUID | None:
        return obj.lead.public_id if obj.lead_id else None


class AttributionDecisionIn(StrictSchema):
    approve: bool


def _request_detail(request, fund_request: FundRequest) -> FundRequest:
    return selectors.request_get(user=request.user, public_id=fund_request.public_id)


def _claim_detail(request, claim: FundClaim) -> FundClaim:
    return selectors.claim_get(user=request.user, public_id=claim.public_id)


def _budget(request, budget_id: UUID) -> Budget:
    return lookup(request, selectors.budget_get, public_id=budget_id)


def _acting_partner(request, partner_id: int | None, rule) -> Partner:
    pk = rule.acting_partner_id(
        request.user,
        partner_id,
        refusal=_("Say which of your organisations this is for."),
    )
    return Partner.objects.get(pk=pk)


# --- set-up


@router.get("/funds", response=list[FundOut], summary="List funds")
def fund_list(request):
    """A list, not paged: the funds (MDF, co-op…) are configuration."""
    permissions.READ.ensure(request.user)
    return list(selectors.funds())


@router.post("/funds", response={201: FundOut}, summary="Create a fund")
def fund_create(request, payload: FundIn):
    return Status(201, services.fund_create(actor=request.user, **payload.dict()))


@router.get(
    "/fund-periods", response=list[FiscalPeriodOut], summary="List fiscal periods"
)
def period_list(request):
    """A list, not paged: four quarters per fiscal year."""
    permissions.READ.ensure(request.user)
    return list(selectors.periods())


@router.post(
    "/fund-periods",
    response={201: list[FiscalPeriodOut]},
    summary="Create a fiscal year's quarters",
)
def fiscal_year_create(request, payload: FiscalYearIn):
    return Status(
        201,
        services.fiscal_year_create(
            actor=request.user, fiscal_year=payload.fiscal_year
        ),
    )


@router.get(
    "/fund-activity-types",
    response=list[ActivityTypeOut],
    summary="Activity types partners may ask funds for",
)
def activity_type_list(request):
    """A list, not paged: the activity types are configuration."""
    return list(selectors.activity_types())


class ActivityTypeIn(StrictSchema):
    name: str
    is_active: bool = True


@router.post(
    "/fund-activity-types",
    response={201: ActivityTypeOut},
    summary="Add an activity type",
)
def activity_type_create(request, payload: ActivityTypeIn):
    return Status(
        201, services.activity_type_save(actor=request.user, **payload.dict())
    )


@router.put(
    "/fund-activity-types/{type_id}",
    response=ActivityTypeOut,
    summary="Rename or withdraw an activity type",
)
def activity_type_update(request, type_id: int, payload: ActivityTypeIn):
    permissions.MANAGE.ensure(request.user)
    found = selectors.activity_types(offered_only=False).filter(pk=type_id).first()
    if found is None:
        raise NotFound
    return services.activity_type_save(
        actor=request.user, activity_type=found, **payload.dict()
    )


@router.list("/fund-budgets", response=BudgetOut, summary="List budgets")
def budget_list(request):
    permissions.READ.ensure(request.user)
    return selectors.budgets()


@router.post("/fund-budgets", response={201: BudgetOut}, summary="Create a budget")
def budget_create(request, payload: BudgetIn):
    permissions.MANAGE.ensure(request.user)
    fund = selectors.funds().filter(public_id=payload.fund).first()
    period = selectors.periods().filter(pk=payload.period).first()
    if fund is None or period is None:
        raise ValidationFailed(
            field_errors={
                "fund" if fund is None else "period": [
                    str(_("No such fund or period."))
                ]
            }
        )
    budget = services.budget_create(
        actor=request.user,
        fund=fund,
        period=period,
        amount=payload.amount,
        is_shared_pool=payload.is_shared_pool,
        carry_over_percent=payload.carry_over_percent,
    )
    return Status(201, selectors.budgets().get(pk=budget.pk))


@router.post(
    "/fund-budgets/{budget_id}/allocation-preview",
    response=AllocationPreviewOut,
    summary="Preview an allocation run (nothing is written)",
)
def allocation_preview(request, budget_id: UUID, payload: AllocationRunIn):
    permissions.MANAGE.ensure(request.user)
    preview = services.allocation_preview(
        actor=request.user,
        budget=_budget(request, budget_id),
        method=payload.method,
        amounts=payload.amounts,
    )
    return {
        "lines": [line.__dict__ for line in preview.lines],
        "total": preview.total,
        "unallocated": preview.unallocated,
        "fits": preview.fits,
    }


@router.post(
    "/fund-budgets/{budget_id}/allocation-runs",
    response={201: AllocationRunOut},
    summary="Allocate a budget to partners (409 when it does not fit)",
)
def allocation_run(request, budget_id: UUID, payload: AllocationRunIn):
    permissions.MANAGE.ensure(request.user)
    run = services.allocation_run_apply(
        actor=request.user,
        budget=_budget(request, budget_id),
        method=payload.method,
        amounts=payload.amounts,
    )
    return Status(201, run)


# --- figures and ledger


@router.list(
    "/partners/{uuid:public_id}/fund-balances",
    response=FundFiguresOut,
    summary="A partner's figures per allocation (sums of the ledger)",
)
def balances(request, public_id: UUID):
    """Vendor staff within their scope; the partner's admins, marketers and
    finance (and a distributor's above it). Newest period first; paged (a
    partner gains allocations every period)."""
    partner = selectors.partner_for_figures(user=request.user, public_id=public_id)
    return Page(
        selectors.partner_allocations(user=request.user, partner=partner),
        lambda allocations: [
            {
                "allocation": row.allocation.public_id,
                "partner": partner.pk,
                "fund": row.allocation.budget.fund.name,
                "period": row.allocation.budget.period.name,
                "currency": row.allocation.budget.fund.currency,
                "is_expiring": row.is_expiring,
                "expiring": row.expiring,
                **row.figures.__dict__,
            }
            for row in selectors.allocation_figure_rows(allocations)
        ],
    )


@router.list("/fund-ledger", response=EntryOut, summary="Ledger entries, newest first")
def ledger_list(request):
    return selectors.ledger_visible_to(user=request.user)


# --- reports


class FundReportFilters(Schema):
    by: str = "partner"
    currency: str = ""
    period: int | None = None


class FundReportRowOut(Schema):
    group: str
    allocated: Decimal
    committed: Decimal
    claimed: Decimal
    paid: Decimal
    leads: int
    pipeline: Decimal
    won: Decimal
    roi_percent: Decimal | None

    @staticmethod
    def resolve_group(obj) -> str:
        return obj.label


class FundReportOut(Schema):
    by: str
    currency: str
    rows: list[FundReportRowOut]


@router.get(
    "/fund-reports",
    response=FundReportOut,
    summary="Funds by partner, tier, region or activity type (one currency)",
)
def report_get(request, filters: Query[FundReportFilters]):
    permissions.READ.ensure(request.user)
    currencies = reports.currencies()
    errors = {}
    if filters.by not in reports.GROUPINGS:
        errors["by"] = [str(_("Choose partner, tier, region or activity."))]
    if filters.currency and filters.currency not in currencies:
        errors["currency"] = [str(_("No fund is kept in that currency."))]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return reports.fund_report(
        user=request.user,
        by=filters.by,
        currency=filters.currency or (currencies[0] if currencies else ""),
        period_id=filters.period,
    )


# --- requests


@router.list("/fund-requests", response=FundRequestOut, summary="List fund requests")
def request_list(request, filters: Query[FundRequestFilters]):
    return selectors.requests_visible_to(user=request.user, status=filters.status)


@router.post(
    "/fund-requests",
    response={201: FundRequestDetailOut},
    summary="Propose an activity and ask for funds",
)
def request_create(request, payload: FundRequestIn):
    partner = _acting_partner(request, payload.partner, permissions.WORK)
    budget = selectors.budgets().filter(public_id=payload.budget).first()
    activity_type = selectors.activity_types().filter(pk=payload.activity_type).first()
    if budget is None or activity_type is None:
        raise ValidationFailed(
            field_errors={
                "budget" if budget is None else "activity_type": [
                    str(_("Choose one that is offered."))
                ]
            }
        )
    fund_request = services.request_create(
        actor=request.user,
        partner=partner,
        budget=budget,
        activity_type=activity_type,
        title=payload.title,
        description=payload.description,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        lines=[line.dict() for line in payload.lines],
        expected_leads=payload.expected_leads,
        expected_revenue=payload.expected_revenue,
        submit=payload.submit,
    )
    return Status(201, _request_detail(request, fund_request))


@router.list(
    "/fund-requests/review-queue",
    response=FundRequestOut,
    summary="Requests awaiting a decision (reviewers)",
)
def request_queue(request):
    permissions.REVIEW.ensure(request.user)
    return selectors.review_queue(user=request.user)


@router.get(
    "/fund-requests/{request_id}",
    response=FundRequestDetailOut,
    summary="Get a request",
)
def request_get(request, request_id: UUID):
    return _request_detail(
        request, selectors.request_get(user=request.user, public_id=request_id)
    )


@router.post(
    "/fund-requests/{request_id}/approve",
    response=FundRequestDetailOut,
    summary="Approve the current step; the last commits the funds (409: not there)",
)
def request_approve(request, request_id: UUID):
    # Who may act is the engine's (the step's approver or queue, a vendor admin).
    fund_request = lookup(
        request, selectors.request_get, rule=permissions.READ, public_id=request_id
    )
    services.request_review(actor=request.user, request=fund_request, approve=True)
    return _request_detail(request, fund_request)


@router.post(
    "/fund-requests/{request_id}/reject",
    response=FundRequestDetailOut,
    summary="Reject with a reason",
)
def request_reject(request, request_id: UUID, payload: ReasonIn):
    # Who may act is the engine's (the step's approver or queue, a vendor admin).
    fund_request = lookup(
        request, selectors.request_get, rule=permissions.READ, public_id=request_id
    )
    services.request_review(
        actor=request.user, request=fund_request, approve=False, reason=payload.reason
    )
    return _request_detail(request, fund_request)


def _worked_request(request, request_id: UUID) -> FundRequest:
    """A request the caller works on: the funds roles somewhere (403), the
    request visible (404), the roles in its own organisation (403)."""
    fund_request = lookup(
        request, selectors.request_get, rule=permissions.WORK, public_id=request_id
    )
    permissions.WORK.ensure(request.user, partner_id=fund_request.partner_id)
    return fund_request


@router.post(
    "/fund-requests/{request_id}/submit",
    response=FundRequestDetailOut,
    summary="Submit a draft request",
)
def request_submit(request, request_id: UUID):
    fund_request = _worked_request(request, request_id)
    services.request_submit(actor=request.user, request=fund_request)
    return _request_detail(request, fund_request)


@router.post(
    "/fund-requests/{request_id}/close",
    response=FundRequestDetailOut,
    summary="Close an approved request and release what is not claimed",
)
def request_close(request, request_id: UUID):
    fund_request = _worked_request(request, request_id)
    services.request_close(actor=request.user, request=fund_request)
    return _request_detail(request, fund_request)


@router.post(
    "/fund-requests/{request_id}/claims",
    response={201: FundClaimDetailOut},
    summary="Claim funds with invoices and proof of performance (multipart)",
)
def claim_create(
    request,
    request_id: UUID,
    payload: Form[FundClaimIn],
    invoices: File[list[UploadedFile]] = None,
    proofs: File[list[UploadedFile]] = None,
):
    fund_request = _worked_request(request, request_id)
    claim = services.claim_submit(
        actor=request.user,
        request=fund_request,
        amount=payload.amount,
        description=payload.description,
        is_final=payload.is_final,
        payout_method=payload.payout_method,
        invoices=invoices or [],
        proofs=proofs or [],
    )
    return Status(201, _claim_detail(request, claim))


@router.post(
    "/fund-requests/{request_id}/attributions",
    response={201: AttributionOut},
    summary="Attribute one of the partner's deals or leads to the activity",
)
def attribution_create(request, request_id: UUID, payload: AttributionIn):
    fund_request = _worked_request(request, request_id)
    kind = "deal" if payload.deal else "lead"
    target = (
        selectors.attributable(
            user=request.user, partner=fund_request.partner, kind=kind
        )
        .filter(public_id=payload.deal or payload.lead)
        .first()
    )
    if target is None:
        raise ValidationFailed(
            field_errors={kind: [str(_("Choose one of your deals or leads."))]}
        )
    attribution = services.attribution_propose(
        actor=request.user, request=fund_request, **{kind: target}
    )
    return Status(201, attribution)


@router.post(
    "/fund-attributions/{attribution_id}/decision",
    response=AttributionOut,
    summary="Approve or reject an attribution",
)
def attribution_decide(request, attribution_id: UUID, payload: AttributionDecisionIn):
    attribution = lookup(
        request,
        selectors.attribution_get,
        rule=permissions.REVIEW,
        public_id=attribution_id,
    )
    return services.attribution_decide(
        actor=request.user, attribution=attribution, approve=payload.approve
    )


# --- claims and payouts


class FundClaimFilters(StrictSchema):
    status: str = ""


@router.list("/fund-claims", response=FundClaimOut, summary="List claims")
def claim_list(request, filters: Query[FundClaimFilters]):
    return selectors.claims_visible_to(user=request.user, status=filters.status)


@router.get(
    "/fund-claims/{claim_id}", response=FundClaimDetailOut, summary="Get a claim"
)
def claim_get(request, claim_id: UUID):
    return _claim_detail(
        request, selectors.claim_get(user=request.user, public_id=claim_id)
    )


def _claim_action(request, claim_id: UUID, rule) -> FundClaim:
    return lookup(request, selectors.claim_get, rule=rule, public_id=claim_id)


@router.post(
    "/fund-claims/{claim_id}/approve",
    response=FundClaimDetailOut,
    summary="Approve the current step of its approval",
)
def claim_approve(request, claim_id: UUID):
    claim = _claim_action(request, claim_id, permissions.READ)
    services.claim_review(actor=request.user, claim=claim, approve=True)
    return _claim_detail(request, claim)


@router.post(
    "/fund-claims/{claim_id}/reject", response=FundClaimDetailOut, summary="Reject"
)
def claim_reject(request, claim_id: UUID, payload: ReasonIn):
    claim = _claim_action(request, claim_id, permissions.READ)
    services.claim_review(
        actor=request.user, claim=claim, approve=False, reason=payload.reason
    )
    return _claim_detail(request, claim)


@router.post(
    "/fund-claims/{claim_id}/payout-approval",
    response=FundClaimDetailOut,
    summary="Finance approves the payout",
)
def payout_approve(request, claim_id: UUID):
    claim = _claim_action(request, claim_id, permissions.PAYOUT)
    services.payout_approve(actor=request.user, claim=claim)
    return _claim_detail(request, claim)


@router.post(
    "/fund-claims/{claim_id}/payment",
    response=FundClaimDetailOut,
    summary="Finance records the payment",
)
def payout_record(request, claim_id: UUID, payload: FundPaymentIn):
    claim = _claim_action(request, claim_id, permissions.PAYOUT)
    services.payout_record(actor=request.user, claim=claim, reference=payload.reference)
    return _claim_detail(request, claim)
