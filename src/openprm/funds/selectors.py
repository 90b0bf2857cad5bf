"""Every read of funds scoped to a user or feeding a page.

A partner user reads their organisation's allocations, ledger, requests and claims
(and a distributor those beneath it, as everywhere); vendor staff read those of
the partners in their scope. Nothing of another partner is ever found (404).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from openprm.approvals import selectors as approvals
from openprm.core.errors import NotFound, PermissionDenied
from openprm.core.formatting import format_money
from openprm.core.permissions import is_active_user, reader_fact
from openprm.core.worklist import (
    NOTHING,
    WORK_LIMIT,
    Contribution,
    Figure,
    Queue,
    WorkItem,
    sla_counts,
)
from openprm.currencies import money
from openprm.funds import allocation, ledger, permissions
from openprm.funds.choices import (
    AttributionKind,
    AttributionStatus,
    ClaimStatus,
    FundKind,
    RequestStatus,
)
from openprm.funds.models import (
    AccruedSale,
    ActivityType,
    Allocation,
    Attribution,
    Budget,
    ClaimFile,
    FiscalPeriod,
    Fund,
    FundClaim,
    FundRequest,
    LedgerEntry,
)
from openprm.incentives.models import SalesLine
from openprm.partners.models import Partner
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment
from openprm.tenancy.models import Membership

# Allocations whose period ends within this many days show as "expiring".
EXPIRING_DAYS = 30
# An approved request shows on the portal home this many days before its claim
# deadline.
CLAIM_SOON_DAYS = 14
# The approval engine's subject kinds of funds (registered in hooks.py).
FUND_REQUEST_KIND = "funds.request"
FUND_CLAIM_KIND = "funds.claim"


def _reads(user) -> bool:
    """Vendor staff, or a partner user with a funds role somewhere."""
    if not is_active_user(user):
        return False
    return user.is_vendor_staff or permissions.PARTNER_READ.allows(user)


def _scoped(queryset: QuerySet, user) -> QuerySet:
    if not _reads(user):
        return queryset.none()
    if user.is_vendor_staff:
        return queryset.visible_to(user)
    ids = permissions.PARTNER_READ.partner_ids(user)
    return queryset.visible_to(user).filter(
        Q(partner_id__in=ids) | Q(partner__parent_id__in=ids)
    )


def _get(queryset: QuerySet, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValidationError, ValueError):
        raise NotFound from None


# --- configuration (vendor)


def periods() -> QuerySet[FiscalPeriod]:
    return FiscalPeriod.objects.order_by("starts_on")


def period_after(period: FiscalPeriod) -> FiscalPeriod | None:
    return FiscalPeriod.objects.filter(starts_on__gt=period.ends_on).first()


def funds() -> QuerySet[Fund]:
    return Fund.objects.order_by("name")


def activity_types(*, offered_only: bool = True) -> QuerySet[ActivityType]:
    types = ActivityType.objects.all()
    return types.filter(is_active=True) if offered_only else types


def budgets(*, open_only: bool = False) -> QuerySet[Budget]:
    found = (
        Budget.objects.select_related("fund", "period")
        .annotate(allocated_amount=F("amount") - F("unallocated"))
        .order_by("period__starts_on", "fund__name")
    )
    return found.filter(closed_at__isnull=True) if open_only else found


def budget_get(*, user, public_id) -> Budget:
    if not (is_active_user(user) and user.is_vendor_staff):
        raise NotFound
    return _get(budgets(), public_id=public_id)


def budgets_open_for_requests(*, on: datetime.date) -> QuerySet[Budget]:
    """Budgets a partner may ask funds from: active fund, period not over."""
    return budgets(open_only=True).filter(fund__is_active=True, period__ends_on__gte=on)


def budget_allocated(*, budget: Budget) -> Decimal:
    return budget.amount - budget.unallocated


def allocation_candidates() -> list[allocation.Candidate]:
    """Active partners with their active tiers' names, by name (any budget may
    be allocated to any of them)."""
    tiers: dict[int, list[str]] = defaultdict(list)
    for partner_id, tier_name in Enrolment.objects.filter(
        status=EnrolmentStatus.ACTIVE, partner__status="active"
    ).values_list("partner_id", "tier__name"):
        tiers[partner_id].append(tier_name)
    return [
        allocation.Candidate(partner_id=pk, name=name, tiers=tuple(tiers[pk]))
        for pk, name in Partner.objects.filter(status="active")
        .order_by("name", "id")
        .values_list("pk", "name")
    ]


# --- co-op accrual


def unaccrued_sales(
    *, budget: Budget, partner_id: int | None = None
) -> QuerySet[SalesLine]:
    """The sales lines a co-op accrual of ``budget`` may still count, annotated
    with ``base`` (the amount in the fund's currency): invoiced in the budget's
    period, in the fund's currency (or with a reporting amount, when the fund is
    in the reporting currency), and not yet counted into this budget."""
    currency = budget.fund.currency
    in_reporting = currency == money.reporting_currency()
    base = Case(
        When(currency=currency, then=F("amount")),
        default=F("reporting_amount") if in_reporting else Value(None),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    lines = (
        SalesLine.objects.filter(
            invoiced_on__gte=budget.period.starts_on,
            invoiced_on__lte=budget.period.ends_on,
        )
        .exclude(
            Exists(AccruedSale.objects.filter(budget=budget, sales_line=OuterRef("pk")))
        )
        .annotate(base=base)
        .filter(base__isnull=False)
        .order_by()
    )
    if partner_id is not None:
        lines = lines.filter(partner_id=partner_id)
    return lines


def accrual_sales(
    *, budget: Budget, partner_id: int | None = None
) -> list[allocation.Sales]:
    """Each partner's unaccrued sales in one grouped query (the preview)."""
    return _sales_by_partner(
        unaccrued_sales(budget=budget, partner_id=partner_id), amount="base"
    )


def _sales_by_partner(lines: QuerySet, *, amount: str) -> list[allocation.Sales]:
    rows = (
        lines.values("partner_id", "partner__name")
        .annotate(total=Sum(amount), lines=Count("pk"))
        .order_by("partner__name", "partner_id")
    )
    return [
        allocation.Sales(
            partner_id=row["partner_id"],
            name=row["partner__name"],
            amount=ledger.cents(row["total"]),
            line_count=row["lines"],
        )
        for row in rows
    ]


def accrued_sales(*, run) -> list[allocation.Sales]:
    """What one accrual run counted, per partner, in one grouped query."""
    return _sales_by_partner(AccruedSale.objects.filter(run=run), amount="sale_amount")


def accruing_budgets() -> QuerySet[Budget]:
    """Open co-op budgets with an accrual percentage: what ``sales.reported``
    accrues into."""
    return budgets(open_only=True).filter(
        fund__kind=FundKind.COOP, accrual_percent__isnull=False
    )


def tier_names() -> list[str]:
    return sorted(
        set(
            Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).values_list(
                "tier__name", flat=True
            )
        )
    )


# --- the ledger


def _sums(entries: QuerySet[LedgerEntry], *group: str) -> dict:
    """Sums of amounts by ``group`` + kind: {(group values…): {kind: sum}}."""
    found: dict = defaultdict(dict)
    for row in entries.order_by().values(*group, "kind").annotate(total=Sum("amount")):
        found[tuple(row[name] for name in group)][row["kind"]] = row["total"]
    return found


@dataclass(frozen=True)
class FundFigures:
    """A partner's figures in one allocation (one fund and period)."""

    allocation: Allocation
    figures: ledger.Figures
    is_expiring: bool

    @property
    def expiring(self) -> Decimal:
        """What of the available amount expires at period end (the part the
        budget's carry-over rule does not carry)."""
        if not self.is_expiring:
            return ledger.ZERO
        kept = 100 - self.allocation.budget.carry_over_percent
        return (self.figures.available * kept / 100).quantize(Decimal("0.01"))


def partner_allocations(*, user, partner: Partner) -> QuerySet[Allocation]:
    """The partner's allocations, newest period first (then by fund, and id so the
    order is total); read through the ``funds_allocation_one`` index of the
    partner, so only its own allocations are sorted."""
    return (
        _scoped(Allocation.objects.all(), user)
        .filter(partner=partner)
        .select_related("budget__fund", "budget__period")
        .order_by("-budget__period__starts_on", "budget__fund__name", "id")
    )


def _home_allocations(*, user, partner: Partner) -> list[Allocation]:
    """The partner's allocations as the reader reads them on the Funds page, read
    once per request for the portal home's figure and its work list (which
    picks those expiring from them)."""
    return reader_fact(
        user,
        f"home_fund_allocations_{partner.pk}",
        lambda: list(partner_allocations(user=user, partner=partner)),
    )


def partner_figures(
    *, user, partner: Partner, allocations: list[Allocation] | None = None
) -> list[FundFigures]:
    """All the partner's allocations with their figures (two queries; one when
    ``allocations``, the partner's as the reader reads them, are given)."""
    if allocations is None:
        allocations = partner_allocations(user=user, partner=partner)
    return allocation_figure_rows(allocations)


def allocation_figure_rows(allocations) -> list[FundFigures]:
    """Each of ``allocations`` with its figures, each a sum of the ledger (one
    query, and one to read ``allocations`` if not read yet)."""
    allocations = list(allocations)
    sums = _sums(
        LedgerEntry.objects.filter(allocation__in=[a.pk for a in allocations]),
        "allocation_id",
    )
    soon = timezone.localdate() + datetime.timedelta(days=EXPIRING_DAYS)
    return [
        FundFigures(
            allocation=item,
            figures=ledger.figures(sums.get((item.pk,), {})),
            is_expiring=item.expired_at is None
            and item.budget.period.ends_on <= soon
            and item.budget.carry_over_percent < 100,
        )
        for item in allocations
    ]


def totals_by_currency(rows: list[FundFigures]) -> dict[str, dict[str, Decimal]]:
    """The figures added up per currency, plus what is expiring."""
    totals: dict[str, dict[str, Decimal]] = {}
    for row in rows:
        currency = row.allocation.budget.fund.currency
        total = totals.setdefault(
            currency,
            {
                name: ledger.ZERO
                for name in (
                    "available",
                    "committed",
                    "claimed",
                    "paid",
                    "expiring",
                )
            },
        )
        for name in ("available", "committed", "claimed", "paid"):
            total[name] += getattr(row.figures, name)
        total["expiring"] += row.expiring
    return totals


def allocation_figures(*, allocation: Allocation) -> ledger.Figures:
    return ledger.figures(
        _sums(LedgerEntry.objects.filter(allocation=allocation)).get((), {})
    )


def ledger_visible_to(*, user, partner: Partner | None = None) -> QuerySet[LedgerEntry]:
    entries = _scoped(LedgerEntry.objects.all(), user)
    if partner is not None:
        entries = entries.filter(partner=partner)
    return entries.select_related(
        "allocation__budget__fund", "allocation__budget__period", "request", "partner"
    ).order_by("-occurred_at", "-id")


def attributions_visible_to(*, user) -> QuerySet[Attribution]:
    return _scoped(Attribution.objects.all(), user)


def allocations_visible_to(*, user) -> QuerySet[Allocation]:
    return (
        _scoped(Allocation.objects.all(), user)
        .select_related("partner", "budget__fund", "budget__period")
        .order_by("-budget__period__starts_on", "budget__fund__name", "partner__name")
    )


def allocation_for(*, partner_id: int, budget: Budget) -> Allocation | None:
    return Allocation.objects.filter(partner_id=partner_id, budget=budget).first()


# --- requests and claims


def requests_visible_to(
    *, user, status: str = "", partner: Partner | None = None
) -> QuerySet[FundRequest]:
    found = _scoped(FundRequest.objects.all(), user)
    if partner is not None:
        found = found.filter(partner=partner)
    if status:
        found = found.filter(status=status)
    return found.select_related(
        "partner", "budget__fund", "budget__period", "activity_type"
    ).order_by("-created_at", "-id")


def requests_export_rows(*, user, status: str = "") -> list[list]:
    """The requests the user may read as rows of the console's export, with what
    was claimed and paid of each (sums of the ledger, one query)."""
    from openprm.funds.choices import EntryKind

    rows = (
        requests_visible_to(user=user, status=status)
        .annotate(
            claimed=Sum("entries__amount", filter=Q(entries__kind=EntryKind.CLAIM)),
            paid=Sum("entries__amount", filter=Q(entries__kind=EntryKind.PAYOUT)),
        )
        .order_by("-created_at", "-id")
    )
    return [
        [
            item.partner.name,
            item.title,
            item.activity_type.name,
            item.budget.fund.name,
            item.budget.period.name,
            item.get_status_display(),
            item.amount,
            ledger.cents(item.claimed),
            ledger.cents(item.paid),
            item.currency,
            item.campaign_code,
            item.starts_on,
            item.ends_on,
        ]
        for item in rows
    ]


EXPORT_COLUMNS = [
    "partner",
    "title",
    "activity_type",
    "fund",
    "period",
    "status",
    "amount",
    "claimed",
    "paid",
    "currency",
    "campaign_code",
    "starts_on",
    "ends_on",
]


def request_get(*, user, public_id: UUID | str) -> FundRequest:
    return _get(requests_visible_to(user=user), public_id=public_id)


def review_queue(*, user) -> QuerySet[FundRequest]:
    if not permissions.REVIEW.allows(user):
        return FundRequest.objects.none()
    return requests_visible_to(user=user, status=RequestStatus.SUBMITTED).order_by(
        "submitted_at", "id"
    )


def claims_visible_to(
    *, user, status: str = "", partner: Partner | None = None
) -> QuerySet[FundClaim]:
    found = _scoped(FundClaim.objects.all(), user)
    if partner is not None:
        found = found.filter(partner=partner)
    if status:
        found = found.filter(status=status)
    return found.select_related("partner", "request__budget__fund").order_by(
        "-submitted_at", "-id"
    )


def claim_get(*, user, public_id: UUID | str) -> FundClaim:
    return _get(claims_visible_to(user=user), public_id=public_id)


def claim_queue(*, user) -> QuerySet[FundClaim]:
    if not permissions.REVIEW.allows(user):
        return FundClaim.objects.none()
    return claims_visible_to(user=user, status=ClaimStatus.SUBMITTED).order_by(
        "submitted_at", "id"
    )


def payout_queue(*, user, status: str = ClaimStatus.APPROVED) -> QuerySet[FundClaim]:
    """Approved claims waiting for finance (or, with ``payout_approved``, those
    waiting for the payment to be recorded)."""
    if not permissions.PAYOUT.allows(user):
        return FundClaim.objects.none()
    return claims_visible_to(user=user, status=status).order_by("submitted_at", "id")


def claim_files(*, claim: FundClaim) -> list[ClaimFile]:
    return list(claim.files.all())


def claim_file_get(*, claim: FundClaim, public_id) -> ClaimFile:
    return _get(claim.files.all(), public_id=public_id)


def request_claims(*, request: FundRequest) -> list[FundClaim]:
    return list(
        request.claims.annotate(file_count=Count("files")).order_by("submitted_at")
    )


def request_has_pending_claims(*, request: FundRequest) -> bool:
    return request.claims.filter(status=ClaimStatus.SUBMITTED).exists()


def request_claimed_total(*, request: FundRequest) -> Decimal:
    """Approved (and paid) claims of the request, from the ledger."""
    from openprm.funds.choices import EntryKind

    total = LedgerEntry.objects.filter(request=request, kind=EntryKind.CLAIM).aggregate(
        total=Sum("amount")
    )["total"]
    return total or ledger.ZERO


def requests_past_claim_deadline(*, today: datetime.date) -> QuerySet[FundRequest]:
    return FundRequest.objects.filter(
        status=RequestStatus.APPROVED, claim_deadline__lt=today
    ).select_related("allocation", "partner")


def budgets_ended(*, today: datetime.date) -> QuerySet[Budget]:
    return budgets(open_only=True).filter(period__ends_on__lt=today)


def fund_people(*, partner_id: int) -> list:
    """The partner's users who work funds (they hear about requests and claims)."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            partner_id=partner_id, is_active=True, user__is_active=True
        ).select_related("user")
        if set(membership.roles) & permissions.WORK.partner
    ]


def reviewers() -> list:
    from openprm.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True, vendor_role__in=sorted(permissions.REVIEW.vendor)
        ).order_by("id")
    )


# --- ROI


@dataclass(frozen=True)
class Roi:
    cost: Decimal
    leads: int
    pipeline: Decimal
    won: Decimal
    currency: str

    @property
    def ratio(self) -> Decimal | None:
        """(won - cost) / cost, as a percentage with one decimal; None without cost."""
        if not self.cost:
            return None
        return ((self.won - self.cost) * 100 / self.cost).quantize(Decimal("0.1"))


def request_attributions(*, request: FundRequest) -> list[Attribution]:
    return list(
        request.attributions.select_related("deal__revenue", "lead").order_by("id")
    )


def request_roi(*, request: FundRequest, attributions: list[Attribution]) -> Roi:
    """Cost (claimed, else committed), approved leads, open pipeline and won
    revenue of attributed deals in the request's currency (deals in another
    currency are converted with the exchange-rate table)."""
    from openprm.currencies.money import RateTable
    from openprm.currencies.selectors import rate_table
    from openprm.deals.choices import DealStatus

    claimed = request_claimed_total(request=request)
    cost = claimed or (request.amount if request.status != RequestStatus.DRAFT else 0)
    approved = [a for a in attributions if a.status == AttributionStatus.APPROVED]
    leads = sum(1 for a in approved if a.lead_id)
    pipeline = won = Decimal("0.00")
    rates: RateTable | None = None
    for item in approved:
        deal = item.deal
        if deal is None:
            continue
        revenue = getattr(deal, "revenue", None)
        amount, currency = (
            (revenue.amount, revenue.currency)
            if revenue is not None
            else (deal.total_amount, deal.currency)
        )
        if currency != request.currency:
            rates = rates or rate_table()
            on = timezone.localdate()
            amount = rates.convert(amount, currency, on) / rates.convert(
                Decimal(1), request.currency, on
            )
        if revenue is not None or deal.status == DealStatus.WON:
            won += amount
        elif deal.status in (DealStatus.APPROVED, DealStatus.SUBMITTED):
            pipeline += amount
    return Roi(
        cost=Decimal(cost),
        leads=leads,
        pipeline=pipeline.quantize(Decimal("0.01")),
        won=won.quantize(Decimal("0.01")),
        currency=request.currency,
    )


def attribution_queue(*, user) -> QuerySet[Attribution]:
    if not permissions.REVIEW.allows(user):
        return Attribution.objects.none()
    return (
        Attribution.objects.visible_to(user)
        .filter(status=AttributionStatus.PROPOSED)
        .select_related("request", "deal", "lead", "partner")
        .order_by("created_at", "id")
    )


def attribution_get(*, user, public_id) -> Attribution:
    return _get(
        _scoped(Attribution.objects.all(), user).select_related("request"),
        public_id=public_id,
    )


def attributable(
    *, user, partner: Partner, kind: str, offered: bool = False
) -> QuerySet:
    """The partner's deals or leads the partner may attribute to a request.

    ``offered``: only those not yet attributed to an activity (proposed or
    approved), for the choice a form offers; the service still refuses a taken
    one with its own message."""
    taken = Attribution.objects.exclude(status=AttributionStatus.REJECTED)
    if kind == AttributionKind.DEAL:
        from openprm.deals.models import Deal

        deals = Deal.objects.filter(partner=partner).order_by("-submitted_at", "-id")
        if offered:
            deals = deals.exclude(
                pk__in=taken.filter(deal__isnull=False).values("deal")
            )
        return deals
    from openprm.leads.models import Lead

    leads = Lead.objects.filter(current_partner=partner).order_by("-id")
    if offered:
        leads = leads.exclude(pk__in=taken.filter(lead__isnull=False).values("lead"))
    return leads


def request_by_code(*, code: str) -> FundRequest | None:
    return (
        FundRequest.objects.filter(
            campaign_code=code,
            status__in=[RequestStatus.APPROVED, RequestStatus.CLOSED],
        )
        .select_related("partner")
        .first()
    )


def partner_for_figures(*, user, public_id) -> Partner:
    """A partner whose fund figures the user may read: vendor staff in scope; a
    partner user with a funds role in it or in the distributor above it (403
    without; 404 out of scope)."""
    partner = _get(
        Partner.objects.visible_to(user).select_related("parent"), public_id=public_id
    )
    if user.is_vendor_staff:
        permissions.READ.ensure(user)
    elif not {partner.pk, partner.parent_id} & permissions.PARTNER_READ.partner_ids(
        user
    ):
        raise PermissionDenied
    return partner


def approval_panel(*, user, subject) -> dict:
    """A request's or claim's approval for its console page: where it stands,
    its history (two queries) and whether ``user`` may act on its step."""
    if subject.approval_id is None:
        # Submitted before the engine: the reviewers act, and it gets its approval.
        can_act = subject.status == "submitted" and permissions.REVIEW.allows(user)
        return {"approval": None, "actions": [], "can_act": can_act}
    approval = subject.approval
    return {
        "approval": approval,
        "actions": list(
            approval.actions.select_related("actor", "on_behalf_of").order_by(
                "created_at", "id"
            )
        ),
        "can_act": approval.is_open and approvals.may_act(user, approval),
    }


# --- the homes


def questions_for_partner(*, request: FundRequest) -> list[dict]:
    """The approvals of the request and its claims that wait for the partner's
    answer, with the question (one query)."""
    from openprm.approvals.choices import RequestStatus as ApprovalStatus
    from openprm.approvals.models import Request as Approval

    claim_approvals = FundClaim.objects.filter(request=request).values("approval_id")
    found = Approval.objects.filter(
        Q(pk=request.approval_id) | Q(pk__in=claim_approvals),
        status=ApprovalStatus.INFO_REQUESTED,
    ).order_by("updated_at", "id")
    return list(found.values("public_id", "subject_label", "info_request", "kind"))


def portal_home_work(*, user, partner: Partner) -> Contribution:
    """For the partner's admins and marketers: approved requests to claim before
    their deadline (within ``CLAIM_SOON_DAYS``), allocations expiring with money
    left, and requests or claims the vendor asked about (three queries; two for
    a reader of the Funds page, whose allocations the home reads once)."""
    if not permissions.WORK.allows(user, partner_id=partner.pk):
        return NOTHING
    from openprm.approvals.choices import RequestStatus as ApprovalStatus

    today = timezone.localdate()
    zone = timezone.get_current_timezone()

    def end_of(day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time.max, tzinfo=zone)

    items = []
    to_claim = FundRequest.objects.filter(
        partner=partner,
        status=RequestStatus.APPROVED,
        open_commitment__gt=0,
        claim_deadline__lte=today + datetime.timedelta(days=CLAIM_SOON_DAYS),
    ).order_by("claim_deadline", "id")[:WORK_LIMIT]
    for item in to_claim:
        items.append(
            WorkItem(
                kind=str(_("Fund claim")),
                title=str(_("Claim the funds of %(title)s")) % {"title": item.title},
                url=reverse("portal:fund_request_detail", args=[item.public_id]),
                due_at=end_of(item.claim_deadline),
                detail=str(_("%(amount)s %(currency)s still committed"))
                % {"amount": item.open_commitment, "currency": item.currency},
            )
        )
    last_day = today + datetime.timedelta(days=EXPIRING_DAYS)
    if permissions.PARTNER_READ.allows(user, partner_id=partner.pk):
        # The allocations the home's funds figure reads anyway: no query of its own.
        expiring = sorted(
            (
                item
                for item in _home_allocations(user=user, partner=partner)
                if item.available > 0
                and item.budget.closed_at is None
                and today <= item.budget.period.ends_on <= last_day
            ),
            key=lambda item: (item.budget.period.ends_on, item.pk),
        )[:WORK_LIMIT]
    else:
        expiring = (
            Allocation.objects.filter(
                partner=partner,
                available__gt=0,
                budget__closed_at__isnull=True,
                budget__period__ends_on__gte=today,
                budget__period__ends_on__lte=last_day,
            )
            .select_related("budget__fund", "budget__period")
            .order_by("budget__period__ends_on", "id")[:WORK_LIMIT]
        )
    for item in expiring:
        items.append(
            WorkItem(
                kind=str(_("Funds expiring")),
                title=str(_("Use %(amount)s %(currency)s of %(fund)s"))
                % {
                    "amount": item.available,
                    "currency": item.budget.fund.currency,
                    "fund": item.budget,
                },
                url=reverse("portal:fund_request_new"),
                due_at=end_of(item.budget.period.ends_on),
                detail=str(_("What is not requested expires at the period's end.")),
            )
        )
    asked = (
        FundRequest.objects.filter(partner=partner)
        .filter(
            Q(approval__status=ApprovalStatus.INFO_REQUESTED)
            | Q(claims__approval__status=ApprovalStatus.INFO_REQUESTED)
        )
        .distinct()
        .order_by("updated_at", "id")[:WORK_LIMIT]
    )
    for item in asked:
        items.append(
            WorkItem(
                kind=str(_("Fund question")),
                title=str(_("Answer the question about %(title)s"))
                % {"title": item.title},
                url=reverse("portal:fund_request_detail", args=[item.public_id]),
                since=item.updated_at,
            )
        )
    return Contribution(items=items)


def console_home_queues(*, user) -> list[Queue]:
    """Fund requests and claims whose approval step waits on the reader (every
    open one for those who may decide any), with their SLA; for finance, the
    approved claims to approve for payment and the payments to record (one
    query each)."""
    from openprm.approvals import permissions as approval_permissions
    from openprm.approvals.choices import OPEN_STATUSES
    from openprm.approvals.choices import RequestStatus as ApprovalStatus
    from openprm.approvals.models import Request as Approval

    queues = []
    if approval_permissions.READ.allows(user):
        mine = Approval.objects.filter(
            kind__in=[FUND_REQUEST_KIND, FUND_CLAIM_KIND], status__in=OPEN_STATUSES
        )
        if not approval_permissions.DECIDE_ANY.allows(user):
            mine = mine.filter(
                pk__in=Approval.objects.filter(approvals.assigned_q(user)).values("pk")
            )
        counts = mine.order_by().aggregate(
            **sla_counts(
                due_field="due_at", waiting=Q(status=ApprovalStatus.IN_REVIEW)
            ),
            waiting=Count("pk", filter=Q(status=ApprovalStatus.INFO_REQUESTED)),
        )
        if counts["count"] or counts["waiting"]:
            waiting = counts["waiting"] or 0
            queues.append(
                Queue.counted(
                    counts,
                    label=str(_("Fund approvals")),
                    url=reverse("console:approval_queue"),
                    unit=str(_("to approve")),
                    note=str(
                        ngettext(
                            "%(count)s more waits for the partner's answer.",
                            "%(count)s more wait for the partners' answers.",
                            waiting,
                        )
                    )
                    % {"count": waiting}
                    if waiting
                    else "",
                    order=50,
                )
            )
    if permissions.PAYOUT.allows(user):
        counts = (
            _scoped(FundClaim.objects.all(), user)
            .order_by()
            .aggregate(
                count=Count("pk", filter=Q(status=ClaimStatus.APPROVED)),
                to_record=Count("pk", filter=Q(status=ClaimStatus.PAYOUT_APPROVED)),
            )
        )
        to_record = counts["to_record"] or 0
        queues.append(
            Queue.counted(
                counts,
                label=str(_("Fund payouts")),
                url=reverse("console:fund_payouts"),
                unit=str(_("to approve for payment")),
                note=str(
                    ngettext(
                        "%(count)s approved payment to record.",
                        "%(count)s approved payments to record.",
                        to_record,
                    )
                )
                % {"count": to_record}
                if to_record
                else "",
                order=51,
            )
        )
    return queues


def portal_home_funds(*, user, partner: Partner) -> Figure | None:
    """What the partner has available of its allocations, per currency, for the
    portal home (two queries, as the Funds page reads them); None for a role that
    may not read the Funds page, or when the partner was allocated nothing."""
    if not permissions.PARTNER_READ.allows(user, partner_id=partner.pk):
        return None
    totals = totals_by_currency(
        partner_figures(
            user=user,
            partner=partner,
            allocations=_home_allocations(user=user, partner=partner),
        )
    )
    if not totals:
        return None
    return Figure(
        label=_("Funds available"),
        values=tuple(
            format_money(total["available"], currency)
            for currency, total in sorted(totals.items())
        ),
        url=reverse("portal:funds"),
        key="funds",
    )
