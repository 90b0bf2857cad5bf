"""REST endpoints of deals: registration and its review, protection extensions,
outcomes, stages, a partner's won revenue, and the vendor's CRM accounts that
registrations are checked against. The pipeline's endpoints are in
``deals.pipeline.api``, added to this router."""

import json
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.http import HttpResponse
from ninja import Field, Query, Schema
from ninja.responses import NinjaJSONEncoder, Status

from openprm.core.api import (
    ApiRouter,
    CappedPagination,
    ReasonIn,
    StrictSchema,
    lookup,
)
from openprm.core.errors import ValidationFailed
from openprm.deals import permissions, selectors, services
from openprm.deals.choices import AccountKind, DealStatus
from openprm.deals.models import (
    CustomerAccount,
    Deal,
    DealConflict,
    DealLine,
    DealRevenue,
    Stage,
)
from openprm.deals.pipeline import api as pipeline_api
from openprm.deals.pipeline import selectors as pipeline_selectors

router = ApiRouter(tags=["deals"])
router.add_router("", pipeline_api.router, tags=["pipeline"])


# --- schemas


class DealLineIn(StrictSchema):
    class Meta:
        model = DealLine

    product_line: str
    quantity: int = 1
    amount: Decimal


class DealIn(StrictSchema):
    class Meta:
        model = Deal

    partner: int | None = None
    title: str
    customer_name: str
    customer_domain: str = ""
    customer_country: str = ""
    contact_name: str = ""
    contact_email: str = ""
    currency: str = "USD"
    expected_close_date: date
    stage: int | None = None
    description: str = ""
    competitor: str = ""
    lines: list[DealLineIn]


class QuestionIn(StrictSchema):
    question: str


class AnswerIn(StrictSchema):
    answer: str


class ExtensionIn(StrictSchema):
    days: int
    reason: str


class DecisionIn(StrictSchema):
    approve: bool


class WonIn(StrictSchema):
    class Meta:
        model = DealRevenue

    amount: Decimal | None = None
    won_on: date | None = None


class LostIn(StrictSchema):
    reason: str = ""


class StageIn(StrictSchema):
    stage: int


class AccountIn(StrictSchema):
    class Meta:
        model = CustomerAccount

    name: str
    domain: str = ""
    country: str = ""
    kind: AccountKind = AccountKind.ACCOUNT
    product_line: str = ""
    expected_close_date: date | None = None
    is_active: bool = True


class StageOut(Schema):
    id: int
    name: str
    probability: int
    order: int
    kind: str


class LineOut(Schema):
    product_line: str
    quantity: int
    amount: Decimal


class CustomerOut(Schema):
    name: str
    domain: str
    country: str


class DealOut(Schema):
    id: UUID
    partner: int
    partner_name: str
    title: str
    customer: CustomerOut
    contact_name: str
    contact_email: str
    currency: str
    amount: Decimal
    expected_close_date: date
    stage: StageOut
    status: DealStatus
    lines: list[LineOut]
    submitted_at: datetime
    review_due_at: datetime | None
    protected_until: datetime | None
    discount_percent: Decimal | None
    decided_at: datetime | None
    rejection_reason: str
    conflict_score: int
    source_lead_id: UUID | None

    @staticmethod
    def resolve_id(obj: Deal) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: Deal) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: Deal) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_customer(obj: Deal) -> dict:
        return {
            "name": obj.customer_name,
            "domain": obj.customer_domain,
            "country": obj.customer_country,
        }

    @staticmethod
    def resolve_amount(obj: Deal) -> Decimal:
        return obj.total_amount

    @staticmethod
    def resolve_lines(obj: Deal) -> list:
        return list(obj.lines.all())


class ReasonOut(Schema):
    code: str
    text: str


class ConflictOut(Schema):
    score: int
    reasons: list[ReasonOut]
    kind: str
    deal: UUID | None
    account: UUID | None

    @staticmethod
    def resolve_kind(obj: DealConflict) -> str:
        return "deal" if obj.conflicting_deal_id else "account"

    @staticmethod
    def resolve_deal(obj: DealConflict) -> UUID | None:
        return obj.conflicting_deal.public_id if obj.conflicting_deal_id else None

    @staticmethod
    def resolve_account(obj: DealConflict) -> UUID | None:
        return obj.account.public_id if obj.account_id else None


class RegisteredOut(DealOut):
    conflicts: list[ConflictOut]

    @staticmethod
    def resolve_conflicts(obj: Deal) -> list:
        return selectors.deal_conflicts(deal=obj)


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    status: str
    requested_at: datetime
    decided_at: datetime | None


class AccountOut(Schema):
    id: UUID
    external_id: str
    name: str
    domain: str
    country: str
    kind: str
    product_line: str
    expected_close_date: date | None
    is_active: bool

    @staticmethod
    def resolve_id(obj: CustomerAccount) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_name(obj: CustomerAccount) -> str:
        return obj.customer_name

    @staticmethod
    def resolve_domain(obj: CustomerAccount) -> str:
        return obj.customer_domain

    @staticmethod
    def resolve_country(obj: CustomerAccount) -> str:
        return obj.customer_country


class DealFilters(Schema):
    status: DealStatus | None = None
    q: str = ""


# --- lookups


def _stage(stage_id: int | None) -> Stage | None:
    if stage_id is None:
        return None
    found = selectors.stages().filter(pk=stage_id).first()
    if found is None:
        raise ValidationFailed(field_errors={"stage": ["Unknown stage."]})
    return found


# --- deals


class DealPage(Schema):
    items: list[DealOut]
    count: int = Field(description="Matching deals, counted up to 1,000.")
    count_is_capped: bool = Field(
        description="True when more deals match than `count` says."
    )


@router.get("/deals", response=DealPage, summary="List deals")
def deal_list(
    request, filters: Query[DealFilters], page: Query[CappedPagination.Input]
):
    """Newest first. Partner admins and salespeople see their organisation's deals
    (a distributor with downstream visibility those beneath it too); vendor staff
    see those in their scope. `count` is exact up to 1,000 deals
    (`count_is_capped` when more match)."""
    limit, offset = CappedPagination.checked(page)
    status = filters.status or ""
    items, counted = selectors.deal_list_page(
        user=request.user,
        status=status,
        search=filters.q,
        limit=limit,
        offset=offset,
        count_most=CappedPagination.most_to_count(limit=limit, offset=offset),
    )
    if counted is None:  # an empty page: count on its own
        deals = selectors.deal_list_visible_to(
            user=request.user, status=status, search=filters.q
        )
        count, capped = CappedPagination.count(deals, limit=limit, offset=offset)
    else:
        count, capped = CappedPagination.capped(counted, limit=limit, offset=offset)
    # The documents are built by hand (see deal_list_page): render them as ninja
    # would, without validating every row through pydantic again.
    body = {"items": items, "count": count, "count_is_capped": capped}
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder), content_type="application/json"
    )


@router.post("/deals", response={201: RegisteredOut}, summary="Register a deal")
def deal_register(request, payload: DealIn):
    """The response lists the conflicts found, each with a score and its reasons."""
    data = payload.model_dump()
    partner = selectors.registering_partner(
        user=request.user, partner_id=data.pop("partner")
    )
    stage = _stage(data.pop("stage"))
    deal = services.deal_register(
        actor=request.user, partner=partner, stage=stage, **data
    )
    return Status(201, selectors.deal_get(user=request.user, public_id=deal.public_id))


@router.list(
    "/deals/review-queue",
    response=DealOut,
    summary="Registrations awaiting a decision",
)
def deal_review_queue(request):
    """The most urgent (earliest review due) first; reviewers only."""
    return selectors.review_queue(user=request.user)


@router.get("/deals/{deal_id}", response=DealOut, summary="Get a deal")
def deal_get(request, deal_id: str):
    return selectors.deal_get(user=request.user, public_id=deal_id)


@router.get(
    "/deals/{deal_id}/conflicts",
    response=list[ConflictOut],
    summary="The conflicts found when the deal was registered",
)
def deal_conflicts(request, deal_id: str):
    """A list, not paged: the candidates of the one customer that the deal
    matched when it was registered, highest score first."""
    return selectors.deal_conflicts(
        deal=selectors.deal_get(user=request.user, public_id=deal_id)
    )


@router.post("/deals/{deal_id}/approve", response=DealOut, summary="Approve")
def deal_approve(request, deal_id: str):
    """Grants the protection period and discount of the partner's tier; 409 when
    another registration already protects the customer and product line."""
    deal = lookup(
        request, selectors.deal_get, rule=permissions.REVIEW, public_id=deal_id
    )
    deal = services.deal_approve(actor=request.user, deal=deal)
    return selectors.deal_get(user=request.user, public_id=deal.public_id)


@router.post("/deals/{deal_id}/reject", response=DealOut, summary="Reject")
def deal_reject(request, deal_id: str, payload: ReasonIn):
    deal = lookup(
        request, selectors.deal_get, rule=permissions.REVIEW, public_id=deal_id
    )
    deal = services.deal_reject(
        actor=request.user,
        deal=deal,
        reason=payload.reason,
    )
    return selectors.deal_get(user=request.user, public_id=deal.public_id)


@router.post(
    "/deals/{deal_id}/request-info",
    response=DealOut,
    summary="Ask the partner for more information",
)
def deal_request_info(request, deal_id: str, payload: QuestionIn):
    deal = lookup(
        request, selectors.deal_get, rule=permissions.REVIEW, public_id=deal_id
    )
    deal = services.deal_request_info(
        actor=request.user,
        deal=deal,
        question=payload.question,
    )
    return selectors.deal_get(user=request.user, public_id=deal.public_id)


@router.post(
    "/deals/{deal_id}/answer",
    response=DealOut,
    summary="Answer the reviewer's question",
)
def deal_answer(request, deal_id: str, payload: AnswerIn):
    deal = lookup(request, selectors.deal_get, rule=permissions.WORK, public_id=deal_id)
    deal = services.deal_answer(
        actor=request.user,
        deal=deal,
        answer=payload.answer,
    )
    return selectors.deal_get(user=request.user, public_id=deal.public_id)


@router.post(
    "/deals/{deal_id}/extensions",
    response={201: ExtensionOut},
    summary="Request a longer protection",
)
def deal_extension_request(request, deal_id: str, payload: ExtensionIn):
    deal = lookup(request, selectors.deal_get, rule=permissions.WORK, public_id=deal_id)
    extension = services.deal_extension_request(
        actor=request.user,
        deal=deal,
        days=payload.days,
        reason=payload.reason,
    )
    return Status(201, extension)


@router.post(
    "/deals/{deal_id}/extensions/{extension_id}/decision",
    response=ExtensionOut,
    summary="Approve or refuse an extension",
)
def deal_extension_decide(
    request, deal_id: str, extension_id: int, payload: DecisionIn
):
    deal = lookup(
        request, selectors.deal_get, rule=permissions.REVIEW, public_id=deal_id
    )
    return services.deal_extension_decide(
        actor=request.user,
        extension=selectors.extension_get(deal=deal, extension_id=extension_id),
        approve=payload.approve,
    )


@router.post(
    "/deals/{deal_id}/won",
    response=DealOut,
    summary="Mark won (records the revenue)",
)
def deal_won(request, deal_id: str, payload: WonIn):
    deal = lookup(request, selectors.deal_get, rule=permissions.WORK, public_id=deal_id)
    deal = services.deal_mark_won(
        actor=request.user,
        deal=deal,
        amount=payload.amount,
        won_on=payload.won_on,
    )
    return selectors.deal_get(user=request.user, public_id=deal.public_id)


@router.post("/deals/{deal_id}/lost", response=DealOut, summary="Mark lost")
def deal_lost(request, deal_id: str, payload: LostIn):
    deal = lookup(request, selectors.deal_get, rule=permissions.WORK, public_id=deal_id)
    deal = services.deal_mark_lost(
        actor=request.user,
        deal=deal,
        reason=payload.reason,
    )
    return selectors.deal_get(user=request.user, public_id=deal.public_id)


@router.post(
    "/deals/{deal_id}/stage",
    response=DealOut,
    summary="Move to another open stage",
)
def deal_stage(request, deal_id: str, payload: StageIn):
    deal = lookup(request, selectors.deal_get, rule=permissions.WORK, public_id=deal_id)
    stage = _stage(payload.stage)
    services.deal_stage_change(actor=request.user, deal=deal, stage=stage)
    return selectors.deal_get(user=request.user, public_id=deal.public_id)


@router.get(
    "/deal-stages",
    response=list[StageOut],
    summary="Pipeline stages with their probabilities",
)
def stage_list(request):
    """A list, not paged: the pipeline stages are configuration."""
    return list(selectors.stages())


# --- won revenue


class WonRevenueQuery(StrictSchema):
    won_from: date | None = Field(None, description="Won on or after (inclusive).")
    won_to: date | None = Field(None, description="Won on or before (inclusive).")


class WonRevenueOut(Schema):
    partner: int = Field(description="The partner's numeric id.")
    currency: str = Field(description="The reporting currency.")
    complete: bool = Field(description="False when some revenue had no rate.")
    count: int = Field(description="Deals won.")
    amount: Decimal = Field(description="Their revenue, in the reporting currency.")
    unconverted: list[pipeline_api.UnconvertedOut] = Field(
        description="Revenue no exchange rate converts, per currency (its first "
        "and last close dates are the days the deals were won)."
    )


@router.get(
    "/partners/{uuid:public_id}/won-revenue",
    response=WonRevenueOut,
    summary="A partner's won revenue in the reporting currency",
)
def partner_won_revenue(request, public_id: UUID, query: Query[WonRevenueQuery]):
    """The revenue recorded when the partner's deals were marked won, each amount
    converted with the rate valid on the day it was won; revenue in a currency no
    rate converts is listed in `unconverted`, never counted as zero. Vendor staff
    within their scope, and partner admins and salespeople (their organisations,
    and a distributor's downstream partners where it sees them)."""
    if query.won_from and query.won_to and query.won_from > query.won_to:
        raise ValidationFailed(
            field_errors={"won_to": ["Must not be before won_from."]}
        )
    revenue = pipeline_selectors.partner_won_revenue(
        user=request.user,
        public_id=public_id,
        won_from=query.won_from,
        won_to=query.won_to,
    )
    return {
        "partner": revenue.partner_id,
        "currency": revenue.currency,
        "complete": revenue.is_complete,
        "count": revenue.total.count,
        "amount": revenue.total.amount,
        "unconverted": pipeline_api.unconverted_of(revenue.unconverted),
    }


# --- the vendor's CRM accounts


class AccountFilters(StrictSchema):
    q: str = ""


@router.list(
    "/customer-accounts",
    response=AccountOut,
    summary="The vendor's accounts and opportunities",
)
def account_list(request, filters: Query[AccountFilters]):
    return selectors.customer_accounts(user=request.user, search=filters.q)


@router.put(
    "/customer-accounts/{external_id}",
    response={200: AccountOut, 201: AccountOut},
    summary="Create or update an account by its CRM id (idempotent)",
)
def account_upsert(request, external_id: str, payload: AccountIn):
    account, created = services.customer_account_upsert(
        actor=request.user, external_id=external_id, **payload.model_dump()
    )
    return Status(201 if created else 200, account)
