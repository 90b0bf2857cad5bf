"""REST endpoints of incentives: the catalogue, earning rules, points ledgers and
sales data. Vendor staff read everything in their scope; a partner user reads
their organisations' ledgers and sales, and reports sales."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from openprm.core import exports
from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.core.errors import NotFound, ValidationFailed
from openprm.currencies import money
from openprm.deals.selectors import deal_get
from openprm.funds import selectors as funds_selectors
from openprm.incentives import (
    fulfilment,
    leaderboard,
    permissions,
    preview,
    rewards,
    sales,
    selectors,
    services,
)
from openprm.incentives.models import (
    EarningRule,
    FulfilmentSetting,
    FulfilmentUpdate,
    PointsAccount,
    PointsEntry,
    Product,
    RedemptionOrder,
    Reward,
    SalesIssue,
    SalesLine,
    SalesUpload,
)
from openprm.partners.selectors import partner_get
from openprm.segments.audiences.selectors import audience_get

router = ApiRouter(tags=["incentives"])
# A multipart request's file, when one is sent.
OPTIONAL_FILE = File(None)


# --- schemas


class CatalogueProductIn(StrictSchema):
    class Meta:
        model = Product

    sku: str
    name: str
    product_line: str = ""
    active_from: date | None = None
    active_until: date | None = None
    prices: dict[str, Decimal] = Field(
        default_factory=dict, description="List price by ISO 4217 currency."
    )


class CatalogueProductOut(Schema):
    id: UUID
    sku: str
    name: str
    product_line: str
    active_from: date | None
    active_until: date | None
    prices: dict[str, str]

    @staticmethod
    def resolve_id(obj: Product) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_prices(obj: Product) -> dict[str, str]:
        return {
            price.currency: str(money.quantize(price.list_price, price.currency))
            for price in obj.prices.all()
        }


class ProductFilters(StrictSchema):
    search: str = ""


class EarningRuleIn(StrictSchema):
    class Meta:
        model = EarningRule

    name: str
    basis: str = Field(description="per_unit, per_amount or per_event.")
    product: str | None = Field(None, description="A product's SKU.")
    product_line: str = ""
    event_name: str = Field("", description="For per_event: the event's name.")
    points: Decimal
    cap_points: int | None = None
    cap_period: str = Field("", description="month, quarter, year or empty.")
    audience: UUID | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    is_active: bool = True


class EarningRuleOut(Schema):
    id: UUID
    name: str
    basis: str
    product: str | None
    product_line: str
    event_name: str
    points: Decimal
    cap_points: int | None
    cap_period: str
    audience: UUID | None
    starts_on: date | None
    ends_on: date | None
    is_active: bool

    @staticmethod
    def resolve_id(obj: EarningRule) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_product(obj: EarningRule) -> str | None:
        return obj.product.sku if obj.product_id else None

    @staticmethod
    def resolve_audience(obj: EarningRule) -> UUID | None:
        return obj.audience.public_id if obj.audience_id else None


class PointsAccountOut(Schema):
    id: UUID
    partner: int
    partner_name: str
    user: UUID | None
    balance: int

    @staticmethod
    def resolve_id(obj: PointsAccount) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: PointsAccount) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: PointsAccount) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_user(obj: PointsAccount) -> UUID | None:
        return obj.user.public_id if obj.user_id else None


class PointsAccountDetailOut(PointsAccountOut):
    pending: int = Field(
        description="Points of the holder's orders not yet delivered (awaiting "
        "approval, placed, sent for fulfilment or shipped): already out of the "
        "balance; given back if an order is rejected, cancelled or fails."
    )
    expiring: int = Field(
        description="Points of lots that expire within the next 60 days."
    )


class PointsEntryOut(Schema):
    id: UUID
    kind: str
    points: int
    reason: str
    rule: str | None = Field(None, description="The earning rule's name.")
    source_type: str
    source_id: str
    source_label: str
    occurred_at: datetime

    @staticmethod
    def resolve_id(obj: PointsEntry) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_rule(obj: PointsEntry) -> str | None:
        return obj.rule.name if obj.rule_id else None


class AdjustmentIn(StrictSchema):
    class Meta:
        model = PointsEntry

    points: int = Field(description="Positive adds, negative takes away.")
    reason: str


class SalesLineIn(StrictSchema):
    invoice_number: str
    invoice_date: str
    end_customer: str
    sku: str
    quantity: str
    amount: str
    currency: str
    reseller: str = ""


class SalesReportIn(StrictSchema):
    partner: UUID | None = Field(
        None, description="The selling partner (default: the caller's organisation)."
    )
    lines: list[SalesLineIn]


class SalesIssueOut(Schema):
    row: int
    column: str
    level: str
    message: str


class SalesReportOut(Schema):
    imported: int
    already_imported: int
    not_imported: int
    points: int
    issues: list[SalesIssueOut]


class SalesLineOut(Schema):
    id: UUID
    partner: int
    reseller: int | None
    invoice_number: str
    invoice_date: date
    end_customer: str
    sku: str
    quantity: Decimal
    amount: Decimal
    currency: str
    reporting_amount: Decimal | None
    deal: UUID | None

    @staticmethod
    def resolve_id(obj: SalesLine) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: SalesLine) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_reseller(obj: SalesLine) -> int | None:
        return obj.reseller_id

    @staticmethod
    def resolve_invoice_date(obj: SalesLine) -> date:
        return obj.invoiced_on

    @staticmethod
    def resolve_sku(obj: SalesLine) -> str:
        return obj.product.sku

    @staticmethod
    def resolve_deal(obj: SalesLine) -> UUID | None:
        return obj.deal.public_id if obj.deal_id else None


class SalesUploadOut(Schema):
    id: UUID
    partner: int
    file_name: str
    status: str
    progress: float
    rows_total: int
    rows_imported: int
    rows_failed: int
    rows_repeated: int
    points_earned: int
    file_error: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: SalesUpload) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: SalesUpload) -> int:
        return obj.partner_id


class SalesUploadDetailOut(SalesUploadOut):
    issues: list[SalesIssueOut]

    @staticmethod
    def resolve_issues(obj: SalesUpload) -> list[dict]:
        return [_issue(issue) for issue in selectors.issues_of(obj)[:1000]]


def _issue(issue: SalesIssue) -> dict:
    return {
        "row": issue.row_number,
        "column": issue.column,
        "level": issue.level,
        "message": issue.message,
    }


# --- the catalogue


@router.list("/products", response=CatalogueProductOut, summary="List products")
def product_list(request, filters: Query[ProductFilters]):
    return selectors.product_list(user=request.user, search=filters.search)


@router.get("/products/{sku}", response=CatalogueProductOut, summary="Read a product")
def product_detail(request, sku: str):
    return lookup(request, selectors.product_get, sku=sku)


@router.put(
    "/products/{sku}",
    response={200: CatalogueProductOut, 201: CatalogueProductOut},
    summary="Create or update a product by SKU (idempotent)",
)
def product_upsert(request, sku: str, payload: CatalogueProductIn):
    data = payload.dict()
    data["sku"] = sku
    product, created = services.product_upsert(actor=request.user, data=data)
    product = selectors.product_get(user=request.user, sku=product.sku)
    return Status(201 if created else 200, product)


# --- earning rules


def _rule_data(request, payload: EarningRuleIn) -> dict:
    data = payload.dict()
    if data["product"]:
        product = (
            selectors.product_list(user=request.user)
            .filter(sku=data["product"])
            .first()
        )
        if product is None:
            raise ValidationFailed(
                field_errors={"product": ["No product has this SKU."]}
            )
        data["product"] = product
    if data["audience"]:
        data["audience"] = audience_get(user=request.user, public_id=data["audience"])
    return data


@router.list("/earning-rules", response=EarningRuleOut, summary="List earning rules")
def rule_list(request):
    return selectors.rule_list(user=request.user)


@router.post(
    "/earning-rules", response={201: EarningRuleOut}, summary="Create an earning rule"
)
def rule_create(request, payload: EarningRuleIn):
    permissions.MANAGE.ensure(request.user)
    rule = services.earning_rule_create(
        actor=request.user, **_rule_data(request, payload)
    )
    return Status(201, rule)


@router.get(
    "/earning-rules/{rule_id}", response=EarningRuleOut, summary="Read an earning rule"
)
def rule_detail(request, rule_id: str):
    return lookup(request, selectors.rule_get, public_id=rule_id)


class PreviewPartnerOut(Schema):
    partner: str
    points: int
    sources: int

    @staticmethod
    def resolve_partner(obj) -> str:
        return obj.name


class RulePreviewOut(Schema):
    rule: UUID
    start: date
    end: date = Field(description="The first day after the quarter.")
    points: int
    sources: int = Field(description="Sales lines or events that would have earned.")
    partners: list[PreviewPartnerOut] = Field(
        description="The 20 partners it would have paid most."
    )

    @staticmethod
    def resolve_rule(obj) -> UUID:
        return obj.rule.public_id


@router.get(
    "/earning-rules/{rule_id}/preview",
    response=RulePreviewOut,
    summary="What the rule would have paid last quarter (computed, nothing written)",
)
def rule_preview(request, rule_id: str):
    rule = lookup(request, selectors.rule_get, public_id=rule_id)
    return preview.rule_preview(user=request.user, rule=rule)


@router.put(
    "/earning-rules/{rule_id}",
    response=EarningRuleOut,
    summary="Replace an earning rule",
)
def rule_update(request, rule_id: str, payload: EarningRuleIn):
    rule = lookup(
        request, selectors.rule_get, rule=permissions.MANAGE, public_id=rule_id
    )
    return services.earning_rule_update(
        actor=request.user, rule=rule, **_rule_data(request, payload)
    )


# --- points


@router.list(
    "/points/accounts",
    response=PointsAccountOut,
    summary="List points ledgers with their balances",
)
def account_list(request):
    return selectors.accounts_visible_to(user=request.user)


@router.get(
    "/points/accounts/{account_id}",
    response=PointsAccountDetailOut,
    summary="Read a points ledger's balance, pending and expiring points",
)
def account_detail(request, account_id: str):
    account = lookup(request, selectors.account_get, public_id=account_id)
    summary = selectors.summary_of(account)
    account.balance, account.pending = summary.balance, summary.pending
    account.expiring = summary.expiring
    return account


@router.list(
    "/points/accounts/{account_id}/entries",
    response=PointsEntryOut,
    summary="A points ledger's entries, newest first, each with its reason",
)
def account_entries(request, account_id: str):
    account = lookup(request, selectors.account_get, public_id=account_id)
    return selectors.entries_of(account)


@router.post(
    "/points/accounts/{account_id}/adjustments",
    response={201: PointsEntryOut},
    summary="Adjust a ledger, with a reason (finance)",
)
def account_adjust(request, account_id: str, payload: AdjustmentIn):
    account = lookup(
        request, selectors.account_get, rule=permissions.ADJUST, public_id=account_id
    )
    entry = services.points_adjust(
        actor=request.user,
        account=account,
        points=payload.points,
        reason=payload.reason,
    )
    return Status(201, entry)


# --- sales


def _selling_partner(request, public_id: UUID | None):
    user = request.user
    if public_id is not None:
        return partner_get(user=user, public_id=public_id)
    if user.is_vendor_staff:
        raise ValidationFailed(
            field_errors={"partner": ["Name the partner that sold."]}
        )
    ids = permissions.REPORT_SALES.partner_ids(user)
    if not ids:
        permissions.REPORT_SALES.ensure(user)
    return selectors.own_partner(user=user, partner_id=min(ids))


@router.post(
    "/sales",
    response={200: SalesReportOut},
    summary="Report sales lines (at most 2,000 a request), with a per-line report",
)
def sales_report(request, payload: SalesReportIn):
    permissions.REPORT_SALES.ensure(request.user)
    partner = _selling_partner(request, payload.partner)
    report = sales.sales_report(
        actor=request.user,
        partner=partner,
        lines=[line.dict() for line in payload.lines],
    )
    return {
        "imported": report.imported,
        "already_imported": report.repeated,
        "not_imported": report.failed,
        "points": report.points,
        "issues": [
            {"row": row, "column": column, "level": level, "message": message}
            for row, column, level, message in report.issues
        ],
    }


class SalesUploadIn(StrictSchema):
    partner: UUID | None = Field(
        None,
        description="The partner that sold (a partner user may leave it out: their "
        "organisation).",
    )


@router.post(
    "/sales/uploads",
    response={201: SalesUploadOut},
    summary="Upload a sales file (multipart `file`: CSV or XLSX, the portal's "
    "columns); the worker imports it",
    description="The file's type, size and columns are checked at once (422 on "
    "`file`); its rows are imported by the worker: follow `status`, `progress` "
    "and the per-row report at `GET /sales/uploads/{upload_id}`. The same file "
    "again imports nothing more.",
)
def sales_upload_create(
    request, payload: Form[SalesUploadIn], file: UploadedFile | None = OPTIONAL_FILE
):
    permissions.REPORT_SALES.ensure(request.user)
    if file is None:
        raise ValidationFailed(field_errors={"file": ["Send the file as `file`."]})
    upload = sales.sales_upload_create(
        actor=request.user,
        partner=_selling_partner(request, payload.partner),
        file_name=file.name,
        upload=file,
    )
    return Status(201, upload)


@router.list("/sales/lines", response=SalesLineOut, summary="List sales lines")
def sales_line_list(request):
    return selectors.sales_lines_visible_to(user=request.user)


@router.list("/sales/uploads", response=SalesUploadOut, summary="List sales files")
def sales_upload_list(request):
    return selectors.uploads_visible_to(user=request.user)


@router.get(
    "/sales/uploads/{upload_id}",
    response=SalesUploadDetailOut,
    summary="A sales file's progress and per-row report",
)
def sales_upload_detail(request, upload_id: str):
    return lookup(request, selectors.upload_get, public_id=upload_id)


@router.list(
    "/deals/{deal_id}/sales",
    response=SalesLineOut,
    summary="The sales lines reported against a deal",
)
def deal_sales(request, deal_id: str):
    deal = deal_get(user=request.user, public_id=deal_id)
    return selectors.sales_lines_visible_to(user=request.user).filter(Q(deal=deal))


# --- rewards


class RewardIn(StrictSchema):
    class Meta:
        model = Reward

    name: str
    description: str = ""
    points_price: int
    stock: int | None = Field(None, description="Empty: unlimited.")
    audience: UUID | None = None
    is_active: bool = True
    fulfilment_provider: str = Field(
        "", description="Who fulfils its orders (empty: the default provider)."
    )
    kind: str = Field(
        "goods",
        description='"goods" (gift, merchandise, experience) or "mdf" (convert to '
        "MDF: each redemption credits mdf_amount of mdf_budget to the partner).",
    )
    mdf_budget: UUID | None = Field(None, description="Kind mdf: the funds budget.")
    mdf_amount: Decimal | None = Field(
        None, description="Kind mdf: money credited per redemption."
    )
    mdf_currency: str = Field(
        "", description="Kind mdf: the budget's currency (empty: the budget's)."
    )


class RewardPatch(StrictSchema):
    """The fields to change (those left out keep their value)."""

    class Meta:
        model = Reward

    name: str | None = None
    description: str | None = None
    points_price: int | None = None
    stock: int | None = Field(None, description="null: unlimited.")
    audience: UUID | None = Field(None, description="null: every partner.")
    is_active: bool | None = None
    fulfilment_provider: str | None = None
    kind: str | None = Field(
        None,
        description='"goods" or "mdf"; leaving "mdf" drops mdf_budget and '
        "mdf_amount unless they are given.",
    )
    mdf_budget: UUID | None = None
    mdf_amount: Decimal | None = None
    mdf_currency: str | None = Field(
        None, description="Kind mdf: the budget's currency (left out: the budget's)."
    )


# Fields a reward always has: a PATCH may change them, not empty them.
REQUIRED_REWARD_FIELDS = (
    "name",
    "description",
    "points_price",
    "is_active",
    "fulfilment_provider",
    "kind",
)


class RewardOut(Schema):
    id: UUID
    name: str
    description: str
    points_price: int
    stock: int | None
    audience: UUID | None
    is_active: bool
    fulfilment_provider: str
    kind: str
    mdf_budget: UUID | None
    mdf_amount: Decimal | None
    mdf_currency: str

    @staticmethod
    def resolve_id(obj: Reward) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_audience(obj: Reward) -> UUID | None:
        return obj.audience.public_id if obj.audience_id else None

    @staticmethod
    def resolve_mdf_budget(obj: Reward) -> UUID | None:
        return obj.mdf_budget.public_id if obj.mdf_budget_id else None


class RedemptionIn(StrictSchema):
    partner: UUID | None = Field(
        None, description="The organisation redeeming (default: the caller's first)."
    )


class RedemptionOrderOut(Schema):
    id: UUID
    partner: int
    reward: UUID
    reward_name: str
    points: int
    status: str
    fulfilment_provider: str
    tracking: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: RedemptionOrder) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: RedemptionOrder) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_reward(obj: RedemptionOrder) -> UUID:
        return obj.reward.public_id

    @staticmethod
    def resolve_reward_name(obj: RedemptionOrder) -> str:
        return obj.reward.name


@router.list(
    "/rewards",
    response=RewardOut,
    summary="List rewards (all for vendor staff; those offered to a partner user)",
)
def reward_list(request):
    user = request.user
    if user.is_vendor_staff:
        return selectors.reward_list(user=user)
    ids = permissions.EARNINGS.partner_ids(user)
    if not ids:
        return Reward.objects.none()
    offered = selectors.rewards_for_partner(partner_id=min(ids))
    return (
        Reward.objects.filter(pk__in=[r.pk for r in offered])
        .select_related("mdf_budget")
        .order_by("points_price", "name", "id")
    )


def _reward_data(request, data: dict) -> dict:
    """The body's audience and budget ids as the rows they name (those given)."""
    if data.get("audience"):
        try:
            data["audience"] = audience_get(
                user=request.user, public_id=data["audience"]
            )
        except NotFound:
            raise ValidationFailed(
                field_errors={"audience": [str(_("No such audience."))]}
            ) from None
    if data.get("mdf_budget"):
        try:
            data["mdf_budget"] = funds_selectors.budget_get(
                user=request.user, public_id=data["mdf_budget"]
            )
        except NotFound:
            raise ValidationFailed(
                field_errors={"mdf_budget": [str(_("No such funds budget."))]}
            ) from None
    return data


@router.post("/rewards", response={201: RewardOut}, summary="Offer a reward")
def reward_create(request, payload: RewardIn):
    permissions.MANAGE.ensure(request.user)
    data = _reward_data(request, payload.dict())
    return Status(201, rewards.reward_create(actor=request.user, **data))


@router.get(
    "/rewards/{reward_id}",
    response=RewardOut,
    summary="Read a reward (a partner user: one offered to their organisation)",
)
def reward_detail(request, reward_id: str):
    return lookup(request, selectors.reward_read, public_id=reward_id)


@router.patch(
    "/rewards/{reward_id}",
    response=RewardOut,
    summary="Change a reward (orders already placed keep their price)",
)
def reward_update(request, reward_id: str, payload: RewardPatch):
    reward = lookup(
        request, selectors.reward_read, rule=permissions.MANAGE, public_id=reward_id
    )
    data = payload.model_dump(exclude_unset=True)
    emptied = [
        name for name in REQUIRED_REWARD_FIELDS if name in data and data[name] is None
    ]
    if emptied:
        raise ValidationFailed(
            field_errors={name: [str(_("This cannot be empty."))] for name in emptied}
        )
    rewards.reward_update(
        actor=request.user, reward=reward, **_reward_data(request, data)
    )
    return selectors.reward_read(user=request.user, public_id=reward.public_id)


@router.post(
    "/rewards/{reward_id}/redemptions",
    response={201: RedemptionOrderOut},
    summary="Redeem a reward with points (409 beyond the balance or the stock)",
)
def reward_redeem(request, reward_id: str, payload: RedemptionIn):
    permissions.REDEEM.ensure(request.user)
    reward = lookup(request, selectors.reward_get, public_id=reward_id)
    if payload.partner is not None:
        partner = partner_get(user=request.user, public_id=payload.partner)
    else:
        ids = permissions.REDEEM.partner_ids(request.user)
        partner = selectors.own_partner(user=request.user, partner_id=min(ids))
    order = rewards.redemption_order_place(
        actor=request.user, partner_id=partner.pk, reward=reward
    )
    return Status(201, order)


@router.list(
    "/redemptions", response=RedemptionOrderOut, summary="List redemption orders"
)
def order_list(request):
    return selectors.orders_visible_to(user=request.user)


@router.post(
    "/redemptions/{order_id}/cancel",
    response=RedemptionOrderOut,
    summary="Cancel a redemption order; its points are refunded",
)
def order_cancel(request, order_id: str):
    order = lookup(request, selectors.order_get, public_id=order_id)
    return rewards.redemption_order_cancel(actor=request.user, order=order)


# --- fulfilment


class FulfilmentUpdateOut(Schema):
    status: str
    provider: str
    note: str
    tracking: str
    by: str | None = Field(None, description="The vendor user who reported it.")
    occurred_at: datetime

    @staticmethod
    def resolve_by(obj: FulfilmentUpdate) -> str | None:
        return obj.actor.get_full_name() if obj.actor_id else None


class RedemptionOrderDetailOut(RedemptionOrderOut):
    history: list[FulfilmentUpdateOut]

    @staticmethod
    def resolve_history(obj: RedemptionOrder) -> list:
        return selectors.fulfilment_history(obj)


class FulfilmentReportIn(StrictSchema):
    status: str = Field(description="shipped, delivered or failed.")
    tracking: str = ""
    note: str = ""


class FulfilmentProviderOut(Schema):
    name: str
    label: str
    description: str
    options: dict[str, str]
    is_default: bool


class FulfilmentSettingIn(StrictSchema):
    options: dict[str, str] = Field(default_factory=dict)
    is_default: bool = False


class StatusImportIssueOut(Schema):
    row: int
    column: str
    message: str


class StatusImportOut(Schema):
    updated: int
    unchanged: int
    failed: int
    issues: list[StatusImportIssueOut]


def _provider_out(provider, settings: dict) -> dict:
    setting = settings.get(provider.name)
    return {
        "name": provider.name,
        "label": str(provider.label),
        "description": str(provider.description),
        "options": setting.options if setting else {},
        "is_default": bool(setting and setting.is_default),
    }


@router.get(
    "/redemptions/{order_id}",
    response=RedemptionOrderDetailOut,
    summary="Read a redemption order with its fulfilment history",
)
def order_detail(request, order_id: str):
    return lookup(request, selectors.order_get, public_id=order_id)


@router.post(
    "/redemptions/{order_id}/fulfilment",
    response=RedemptionOrderDetailOut,
    summary="Report an order shipped, delivered or failed (failed refunds the points)",
)
def order_report(request, order_id: str, payload: FulfilmentReportIn):
    permissions.MANAGE.ensure(request.user)
    order = lookup(request, selectors.order_get, public_id=order_id)
    rewards.redemption_order_report(actor=request.user, **payload.dict(), order=order)
    return selectors.order_get(user=request.user, public_id=order_id)


@router.get(
    "/fulfilment/providers",
    response=list[FulfilmentProviderOut],
    summary="List the fulfilment providers and how each is set up",
)
def provider_list(request):
    """A list, not paged: the providers are the ones registered in code."""
    permissions.READ.ensure(request.user)
    settings = {s.provider: s for s in FulfilmentSetting.objects.all()}
    return [_provider_out(p, settings) for p in fulfilment.registered()]


@router.put(
    "/fulfilment/providers/{name}",
    response=FulfilmentProviderOut,
    summary="Set up a fulfilment provider, and make it the default or not",
)
def provider_configure(request, name: str, payload: FulfilmentSettingIn):
    permissions.MANAGE.ensure(request.user)
    if fulfilment.get(name) is None:
        raise ValidationFailed(field_errors={"name": ["Not a fulfilment provider."]})
    setting = rewards.fulfilment_configure(
        actor=request.user, provider=name, **payload.dict()
    )
    return _provider_out(fulfilment.get(name), {name: setting})


@router.post(
    "/fulfilment/exports",
    response={200: None},
    summary="Export the orders waiting for the CSV provider (text/csv); each "
    "order is exported once",
)
def fulfilment_export(request):
    orders = rewards.fulfilment_export(actor=request.user)
    body = "".join(
        exports.csv_lines(
            fulfilment.EXPORT_COLUMNS, (fulfilment.export_row(o) for o in orders)
        )
    )
    return HttpResponse(body, content_type="text/csv; charset=utf-8")


@router.post(
    "/fulfilment/statuses",
    response=StatusImportOut,
    summary="Import a fulfilment house's status file (multipart `file`: CSV or "
    "XLSX with columns order, status, tracking, note); a per-row report",
)
def fulfilment_statuses(request, file: File[UploadedFile] = None):
    permissions.MANAGE.ensure(request.user)
    if file is None:
        raise ValidationFailed(field_errors={"file": ["Send the file as `file`."]})
    return rewards.fulfilment_import(
        actor=request.user, file_name=file.name, upload=file
    )


# --- leaderboard


class LeaderboardFilters(StrictSchema):
    period: str = Field(
        "quarter", description="month, quarter, last_quarter or year (the current)."
    )
    audience: UUID | None = Field(None, description="Only the partners it holds.")


class LeaderboardRowOut(Schema):
    partner: str
    points: int
    sales: Decimal = Field(description="In the reporting currency.")
    lines: int

    @staticmethod
    def resolve_partner(obj) -> str:
        return obj.name


class LeaderboardOut(Schema):
    start: date
    end: date = Field(description="The first day after the period.")
    currency: str
    rows: list[LeaderboardRowOut]


@router.get(
    "/points/leaderboard",
    response=LeaderboardOut,
    summary="Points earned and sales by partner for a period (the top 50)",
)
def points_leaderboard(request, filters: Query[LeaderboardFilters]):
    permissions.READ.ensure(request.user)
    if filters.period not in leaderboard.PERIODS:
        raise ValidationFailed(
            field_errors={"period": [f"One of: {', '.join(leaderboard.PERIODS)}."]}
        )
    audience = None
    if filters.audience is not None:
        audience = audience_get(user=request.user, public_id=filters.audience)
    start, end, rows = leaderboard.leaderboard(
        user=request.user, period=filters.period, audience=audience
    )
    return {
        "start": start,
        "end": end,
        "currency": money.reporting_currency(),
        "rows": rows,
    }


# --- settings


class IncentiveSettingsIn(StrictSchema):
    redemption_approval_above: int | None = Field(
        description=(
            "Orders of a reward priced above this many points wait for approval; "
            "0: never; null: the server's default "
            "(OPENPRM_REDEMPTION_APPROVAL_ABOVE)."
        )
    )


class IncentiveSettingsOut(Schema):
    redemption_approval_above: int | None = Field(
        description="What a vendor admin set (null: the default)."
    )
    redemption_approval_default: int = Field(
        description="The server's default (0: never)."
    )
    redemption_approval_in_force: int = Field(
        description="The threshold orders are held to now (0: never)."
    )


@router.get(
    "/incentive-settings",
    response=IncentiveSettingsOut,
    summary="Read the incentive settings (the redemption approval threshold)",
)
def incentive_settings_read(request):
    row = rewards.incentive_settings_get(user=request.user)
    return rewards.incentive_settings_payload(row)


@router.put(
    "/incentive-settings",
    response=IncentiveSettingsOut,
    summary="Change the incentive settings (vendor admins)",
)
def incentive_settings_update(request, payload: IncentiveSettingsIn):
    row = rewards.incentive_settings_update(actor=request.user, **payload.dict())
    return rewards.incentive_settings_payload(row)
