"""REST endpoints of SPIFFs, rebates, money ledgers and payouts. Vendor staff
read everything in their scope and set up SPIFFs and programmes; finance
calculates rebates, asks for, approves and exports payouts and records returns;
a partner user reads their organisation's SPIFFs, ledger and statements."""

import datetime
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Query, Schema
from ninja.responses import Status

from openprm.accruals import (
    payouts,
    permissions,
    rebates,
    selectors,
    services,
    spiffs,
)
from openprm.accruals.choices import RebatePeriod
from openprm.accruals.models import (
    MoneyAccount,
    MoneyEntry,
    Payout,
    RebateProgramme,
    RebateStatement,
    SalesReturn,
    Spiff,
    SpiffEarning,
)
from openprm.core.api import ApiRouter, ReasonIn, StrictSchema, lookup
from openprm.core.errors import NotFound, ValidationFailed
from openprm.incentives.selectors import product_list
from openprm.partners.selectors import partner_get
from openprm.segments.audiences.selectors import audience_get

router = ApiRouter(tags=["spiffs and rebates"])


# --- SPIFFs


class SpiffIn(StrictSchema):
    class Meta:
        model = Spiff

    name: str
    description: str = ""
    product: str | None = Field(None, description="A product's SKU.")
    product_line: str = Field("", description="Instead of a product: its line.")
    audience: UUID | None = None
    starts_on: date
    ends_on: date
    pay_in: str = Field(description="points or money.")
    basis: str = Field(
        "per_unit",
        description=(
            "per_unit: `rate` per unit sold; percent: `rate` per cent of each "
            "line's amount in the reporting currency (0 < rate <= 100)."
        ),
    )
    rate: Decimal = Field(
        description=(
            "Per unit sold: points, or money in the reporting currency; "
            "or a percentage (basis percent)."
        )
    )
    budget: Decimal = Field(description="Points, or money in the reporting currency.")
    is_active: bool = True


class SpiffOut(Schema):
    id: UUID
    name: str
    description: str
    product: str | None
    product_line: str
    audience: UUID | None
    starts_on: date
    ends_on: date
    pay_in: str
    basis: str
    rate: Decimal
    currency: str
    budget: Decimal
    spent: Decimal
    remaining: Decimal
    is_active: bool

    @staticmethod
    def resolve_id(obj: Spiff) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_product(obj: Spiff) -> str | None:
        return obj.product.sku if obj.product_id else None

    @staticmethod
    def resolve_audience(obj: Spiff) -> UUID | None:
        return obj.audience.public_id if obj.audience_id else None


class SpiffProgressOut(Schema):
    spiff: SpiffOut
    units: Decimal = Field(description="Units the organisation sold that earned it.")
    earned: Decimal


class SpiffEarningOut(Schema):
    id: UUID
    spiff: UUID
    spiff_name: str
    partner: int
    invoice_number: str
    sku: str
    units: Decimal
    amount: Decimal
    pay_in: str
    reversed_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_id(obj: SpiffEarning) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_spiff(obj: SpiffEarning) -> UUID:
        return obj.spiff.public_id

    @staticmethod
    def resolve_spiff_name(obj: SpiffEarning) -> str:
        return obj.spiff.name

    @staticmethod
    def resolve_partner(obj: SpiffEarning) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_invoice_number(obj: SpiffEarning) -> str:
        return obj.sales_line.invoice_number

    @staticmethod
    def resolve_sku(obj: SpiffEarning) -> str:
        return obj.sales_line.product.sku

    @staticmethod
    def resolve_units(obj: SpiffEarning) -> Decimal:
        return obj.quantity

    @staticmethod
    def resolve_pay_in(obj: SpiffEarning) -> str:
        return obj.spiff.pay_in


class PartnerQuery(StrictSchema):
    partner: int | None = Field(
        None, description="Partner users: which of their organisations."
    )


def _spiff_data(request, payload: SpiffIn) -> dict:
    data = payload.dict()
    if data["product"]:
        product = product_list(user=request.user).filter(sku=data["product"]).first()
        if product is None:
            raise ValidationFailed(
                field_errors={"product": ["No product has this SKU."]}
            )
        data["product"] = product
    if data["audience"]:
        data["audience"] = audience_get(user=request.user, public_id=data["audience"])
    return data


@router.list("/spiffs", response=SpiffOut, summary="List SPIFFs (vendor staff)")
def spiff_list(request):
    return selectors.spiff_list(user=request.user)


@router.post("/spiffs", response={201: SpiffOut}, summary="Set up a SPIFF")
def spiff_create(request, payload: SpiffIn):
    permissions.MANAGE.ensure(request.user)
    return Status(
        201, spiffs.spiff_create(actor=request.user, **_spiff_data(request, payload))
    )


@router.get(
    "/spiffs/mine",
    response=list[SpiffProgressOut],
    summary=(
        "A partner user's SPIFFs: those running for their organisation, with progress"
    ),
)
def spiff_mine(request, filters: Query[PartnerQuery]):
    """A list, not paged: bounded by the SPIFFs running at once (or ended within
    30 days) that reach the partner."""
    partner_id = _own_partner(request, permissions.SPIFFS, filters.partner)
    return [
        {"spiff": item.spiff, "units": item.units, "earned": item.earned}
        for item in selectors.partner_spiffs(partner_id=partner_id)
    ]


@router.get("/spiffs/{spiff_id}", response=SpiffOut, summary="Read a SPIFF")
def spiff_detail(request, spiff_id: str):
    return lookup(request, selectors.spiff_get, public_id=spiff_id)


@router.put("/spiffs/{spiff_id}", response=SpiffOut, summary="Change a SPIFF")
def spiff_update(request, spiff_id: str, payload: SpiffIn):
    spiff = lookup(
        request, selectors.spiff_get, rule=permissions.MANAGE, public_id=spiff_id
    )
    return spiffs.spiff_update(
        actor=request.user, spiff=spiff, **_spiff_data(request, payload)
    )


@router.list(
    "/spiff-earnings",
    response=SpiffEarningOut,
    summary="What sales lines earned from SPIFFs (scoped like every partner's row)",
)
def earning_list(request):
    return selectors.earnings_visible_to(user=request.user)


def _own_partner(request, rule, partner_id: int | None) -> int:
    """One of a partner user's organisations where ``rule`` allows them."""
    ids = rule.partner_ids(request.user)
    if not ids:
        rule.ensure(request.user)
        raise NotFound
    if partner_id is None:
        return min(ids)
    if partner_id not in ids:
        raise NotFound
    return partner_id


# --- money ledgers


class MoneyAccountOut(Schema):
    id: UUID
    partner: int
    partner_name: str
    currency: str
    balance: Decimal

    @staticmethod
    def resolve_id(obj: MoneyAccount) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: MoneyAccount) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: MoneyAccount) -> str:
        return obj.partner.name


class MoneyEntryOut(Schema):
    id: UUID
    kind: str
    amount: Decimal
    currency: str
    reason: str
    source_type: str
    source_id: str
    source_label: str
    occurred_at: datetime.datetime

    @staticmethod
    def resolve_id(obj: MoneyEntry) -> UUID:
        return obj.public_id


class StatementQuery(StrictSchema):
    period: str = Field("month", description="month, quarter or year.")
    on: date | None = Field(None, description="A day of the period (default today).")


class MoneyStatementOut(Schema):
    start: date
    end: date = Field(description="The day after the period.")
    opening: Decimal
    accrued: Decimal
    paid: Decimal
    closing: Decimal
    entries: list[MoneyEntryOut]


@router.list(
    "/money/accounts",
    response=MoneyAccountOut,
    summary="List money accrual ledgers with their balances",
)
def money_account_list(request):
    return selectors.money_accounts_visible_to(user=request.user)


@router.get(
    "/money/accounts/{account_id}",
    response=MoneyAccountOut,
    summary="Read a money ledger's balance",
)
def money_account_detail(request, account_id: str):
    return lookup(request, selectors.money_account_get, public_id=account_id)


@router.list(
    "/money/accounts/{account_id}/entries",
    response=MoneyEntryOut,
    summary="A money ledger's entries, newest first, each with its reason",
)
def money_account_entries(request, account_id: str):
    account = lookup(request, selectors.money_account_get, public_id=account_id)
    return selectors.money_entries_of(account)


@router.get(
    "/money/accounts/{account_id}/statement",
    response=MoneyStatementOut,
    summary="A money ledger's statement for a month, quarter or year",
)
def money_account_statement(request, account_id: str, filters: Query[StatementQuery]):
    if filters.period not in RebatePeriod.values:
        raise ValidationFailed(field_errors={"period": ["month, quarter or year."]})
    account = lookup(request, selectors.money_account_get, public_id=account_id)
    return selectors.statement_of(
        account, period=filters.period, on=filters.on or timezone.localdate()
    )


# --- payouts


class PayoutIn(StrictSchema):
    partner: UUID = Field(description="The partner to pay its balance.")


class PayoutOut(Schema):
    id: UUID
    partner: int
    partner_name: str
    amount: Decimal
    currency: str
    status: str
    approval: int | None = Field(None, description="Its request on the approvals API.")
    decision_note: str
    exported_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_id(obj: Payout) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: Payout) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: Payout) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_approval(obj: Payout) -> int | None:
        return obj.approval_id


class NoteIn(StrictSchema):
    note: str = ""


class ExportOut(Schema):
    count: int
    csv: str = Field(description="The payouts as CSV, marked exported.")


@router.post(
    "/payouts",
    response={201: PayoutOut},
    summary="Ask for a partner's balance to be paid (finance approves it)",
)
def payout_request(request, payload: PayoutIn):
    permissions.FINANCE.ensure(request.user)
    partner = partner_get(user=request.user, public_id=payload.partner)
    return Status(201, payouts.payout_request(actor=request.user, partner=partner))


@router.list("/payouts", response=PayoutOut, summary="List payouts")
def payout_list(request):
    return selectors.payouts_visible_to(user=request.user)


@router.post(
    "/payouts/export",
    response=ExportOut,
    summary="Export the approved payouts as CSV for finance (each exported once)",
)
def payout_export(request):
    permissions.FINANCE.ensure(request.user)
    text, count = payouts.payouts_export(
        actor=request.user, payouts=selectors.payouts_visible_to(user=request.user)
    )
    return {"count": count, "csv": text}


@router.get("/payouts/{payout_id}", response=PayoutOut, summary="Read a payout")
def payout_detail(request, payout_id: str):
    return lookup(request, selectors.payout_get, public_id=payout_id)


@router.post(
    "/payouts/{payout_id}/approve",
    response=PayoutOut,
    summary="Approve a payout's step (the finance queue, a delegate, an admin)",
)
def payout_approve(request, payout_id: str, payload: NoteIn):
    payout = lookup(
        request, selectors.payout_get, rule=permissions.READ, public_id=payout_id
    )
    return payouts.payout_review(
        actor=request.user, payout=payout, approve=True, note=payload.note
    )


@router.post(
    "/payouts/{payout_id}/reject",
    response=PayoutOut,
    summary="Reject a payout, with the reason",
)
def payout_reject(request, payout_id: str, payload: ReasonIn):
    payout = lookup(
        request, selectors.payout_get, rule=permissions.READ, public_id=payout_id
    )
    return payouts.payout_review(
        actor=request.user, payout=payout, approve=False, note=payload.reason
    )


# --- rebates


class RebateTierIn(StrictSchema):
    threshold: Decimal = Field(
        description="From: sales in the reporting currency, or growth in per cent."
    )
    rate: Decimal = Field(description="Per cent of the period's sales.")


class RebateProgrammeIn(StrictSchema):
    class Meta:
        model = RebateProgramme

    name: str
    basis: str = Field(description="volume or growth.")
    period: str = Field(description="month, quarter or year.")
    product_line: str = ""
    audience: UUID | None = None
    starts_on: date
    ends_on: date | None = None
    is_active: bool = True
    tiers: list[RebateTierIn]


class RebateTierOut(Schema):
    threshold: Decimal
    rate: Decimal


class RebateProgrammeOut(Schema):
    id: UUID
    name: str
    basis: str
    period: str
    product_line: str
    audience: UUID | None
    starts_on: date
    ends_on: date | None
    is_active: bool
    tiers: list[RebateTierOut]

    @staticmethod
    def resolve_id(obj: RebateProgramme) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_audience(obj: RebateProgramme) -> UUID | None:
        return obj.audience.public_id if obj.audience_id else None

    @staticmethod
    def resolve_tiers(obj: RebateProgramme) -> list:
        return list(obj.tiers.all())


class CalculationIn(StrictSchema):
    on: date = Field(description="A day of the period to calculate.")
    final: bool = Field(False, description="The true-up, once the period has ended.")


class RebateStatementOut(Schema):
    id: UUID
    programme: UUID
    programme_name: str
    partner: int
    partner_name: str
    period_start: date
    period_end: date
    sales_amount: Decimal
    prior_amount: Decimal | None
    rate: Decimal
    rebate_amount: Decimal
    accrued_amount: Decimal
    currency: str
    status: str
    calculated_at: datetime.datetime

    @staticmethod
    def resolve_id(obj: RebateStatement) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_programme(obj: RebateStatement) -> UUID:
        return obj.programme.public_id

    @staticmethod
    def resolve_programme_name(obj: RebateStatement) -> str:
        return obj.programme.name

    @staticmethod
    def resolve_partner(obj: RebateStatement) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: RebateStatement) -> str:
        return obj.partner.name


def _programme_data(request, payload: RebateProgrammeIn) -> dict:
    data = payload.dict()
    data["tiers"] = [(tier["threshold"], tier["rate"]) for tier in data["tiers"]]
    if data["audience"]:
        data["audience"] = audience_get(user=request.user, public_id=data["audience"])
    return data


@router.list(
    "/rebate-programmes", response=RebateProgrammeOut, summary="List rebate programmes"
)
def programme_list(request):
    return selectors.programme_list(user=request.user)


@router.post(
    "/rebate-programmes",
    response={201: RebateProgrammeOut},
    summary="Set up a rebate programme",
)
def programme_create(request, payload: RebateProgrammeIn):
    permissions.MANAGE.ensure(request.user)
    return Status(
        201,
        rebates.rebate_programme_create(
            actor=request.user, **_programme_data(request, payload)
        ),
    )


@router.get(
    "/rebate-programmes/{programme_id}",
    response=RebateProgrammeOut,
    summary="Read a rebate programme",
)
def programme_detail(request, programme_id: str):
    return lookup(request, selectors.programme_get, public_id=programme_id)


@router.put(
    "/rebate-programmes/{programme_id}",
    response=RebateProgrammeOut,
    summary="Change a rebate programme",
)
def programme_update(request, programme_id: str, payload: RebateProgrammeIn):
    programme = lookup(
        request,
        selectors.programme_get,
        rule=permissions.MANAGE,
        public_id=programme_id,
    )
    return rebates.rebate_programme_update(
        actor=request.user, programme=programme, **_programme_data(request, payload)
    )


@router.post(
    "/rebate-programmes/{programme_id}/calculations",
    response=list[RebateStatementOut],
    summary="Calculate a period (finance): the statements that changed",
)
def programme_calculate(request, programme_id: str, payload: CalculationIn):
    """A write's result, not paged: the statements this calculation changed (one
    per partner of the programme at most); `GET /rebate-statements` pages them."""
    programme = lookup(
        request,
        selectors.programme_get,
        rule=permissions.FINANCE,
        public_id=programme_id,
    )
    return rebates.rebate_calculate(
        actor=request.user, programme=programme, on=payload.on, final=payload.final
    )


@router.list(
    "/rebate-statements",
    response=RebateStatementOut,
    summary="List rebate statements (scoped like every partner's row)",
)
def statement_list(request):
    return selectors.statements_visible_to(user=request.user)


@router.get(
    "/rebate-statements/{statement_id}",
    response=RebateStatementOut,
    summary="Read a rebate statement",
)
def statement_detail(request, statement_id: str):
    return lookup(request, selectors.statement_get, public_id=statement_id)


# --- returns


class SalesReturnOut(Schema):
    id: UUID
    sales_line: UUID
    partner: int
    reason: str
    returned_at: datetime.datetime

    @staticmethod
    def resolve_id(obj: SalesReturn) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_sales_line(obj: SalesReturn) -> UUID:
        return obj.sales_line.public_id

    @staticmethod
    def resolve_partner(obj: SalesReturn) -> int:
        return obj.partner_id


@router.post(
    "/sales/lines/{line_id}/return",
    response={201: SalesReturnOut},
    summary="Record a returned sales line: its points and SPIFFs are taken back",
)
def sales_line_return(request, line_id: str, payload: ReasonIn):
    line = lookup(
        request, selectors.sales_line_get, rule=permissions.FINANCE, public_id=line_id
    )
    return Status(
        201,
        services.sales_line_return(
            actor=request.user, line=line, reason=payload.reason
        ),
    )
