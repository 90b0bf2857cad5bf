"""Marketing funds: fiscal periods, funds and their budgets, allocations to
partners, the fund ledger, requests, claims and their attributed leads and deals.

Two balance columns carry the database's guarantee that nothing is over-committed
(DESIGN rule 4): ``Budget.unallocated`` and ``Allocation.available``, each with a
``CHECK (… >= 0)``, changed only by conditional ``UPDATE``s in ``ledger.py`` in the
same transaction as the ledger entry they mirror. Every figure people see is a sum
of ``LedgerEntry`` rows; the balances exist so that the database refuses a
concurrent over-commitment (see ``docs/funds.md``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.funds.choices import (
    AllocationMethod,
    AttributionSource,
    AttributionStatus,
    ClaimFileKind,
    ClaimStatus,
    EntryKind,
    FundKind,
    PayoutMethod,
    RequestStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class FiscalPeriod(TimeStampedModel):
    """A quarter of the vendor's fiscal year (the year starts in the month of
    ``OPENPRM_FISCAL_YEAR_START_MONTH``); budgets are set per period."""

    name = models.CharField(_("name"), max_length=40)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("fiscal period")
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "quarter"], name="funds_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="funds_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityType(TimeStampedModel):
    """A kind of marketing activity partners may ask funds for (webinar, event…),
    kept by the vendor."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    is_active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("activity type")

    def __str__(self) -> str:
        return self.name


class Fund(TimeStampedModel):
    """A marketing fund (MDF or co-op) in one currency."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=FundKind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("fund")

    def __str__(self) -> str:
        return self.name


class Budget(TimeStampedModel):
    """What a fund may spend in one fiscal period. ``unallocated`` is what no
    allocation holds yet; with ``is_shared_pool`` partners draw from it first come
    first served. ``carry_over_percent`` of each allocation's unused amount moves
    to the next period's budget of the fund when the period ends (0: it expires)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="budgets")
    period = models.ForeignKey(
        FiscalPeriod, on_delete=models.PROTECT, related_name="budgets"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    unallocated = models.DecimalField(_("unallocated"), **MONEY)
    is_shared_pool = models.BooleanField(_("shared pool"), default=False)
    carry_over_percent = models.PositiveSmallIntegerField(
        _("carried over (%)"), default=0
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Co-op accrual: the percentage of partners' reported sales in the period that
    # each ``sales.reported`` event adds to their allocations (None: no accrual).
    accrual_percent = models.DecimalField(
        _("accrual (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["period__starts_on", "fund__name"]
        verbose_name = _("budget")
        constraints = [
            models.UniqueConstraint(fields=["fund", "period"], name="funds_budget_one"),
            models.CheckConstraint(
                condition=Q(unallocated__gte=0), name="funds_budget_not_overallocated"
            ),
            models.CheckConstraint(
                condition=Q(carry_over_percent__lte=100),
                name="funds_budget_carry_over_percent",
            ),
            models.CheckConstraint(
                condition=Q(accrual_percent__isnull=True)
                | Q(accrual_percent__gt=0, accrual_percent__lte=100),
                name="funds_budget_accrual_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.period}"

    @property
    def currency(self) -> str:
        return self.fund.currency


class Allocation(PartnerOwnedModel, TimeStampedModel):
    """A partner's share of one budget; ``available`` mirrors the ledger's
    available figure and may never go below zero."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="allocations"
    )
    available = models.DecimalField(_("available"), **MONEY, default=0)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["budget_id", "partner_id"]
        verbose_name = _("allocation")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "budget"], name="funds_allocation_one"
            ),
            models.CheckConstraint(
                condition=Q(available__gte=0), name="funds_allocation_not_overcommitted"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget}"


class AllocationRun(TimeStampedModel):
    """One allocation of a budget to partners, previewed then applied: a fixed
    amount per partner, or an amount by tier name."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="runs")
    method = models.CharField(
        _("method"), max_length=8, choices=AllocationMethod.choices
    )
    # {"amount": "5000"} for a fixed amount; {"Gold": "20000", "Silver": "5000"}
    # by tier name; {"percent": "3"} for a co-op accrual.
    amounts = models.JSONField(_("amounts"), default=dict)
    total = models.DecimalField(_("total"), **MONEY, default=0)
    partner_count = models.PositiveIntegerField(_("partners"), default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("allocation run")

    def __str__(self) -> str:
        return f"{self.budget} · {self.get_method_display()}"


class AccruedSale(models.Model):
    """A reported sales line counted into a co-op budget's accrual: at most once
    per budget (the unique constraint is what makes a re-run add nothing)."""

    run = models.ForeignKey(
        AllocationRun, on_delete=models.PROTECT, related_name="accrued_sales"
    )
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="+")
    sales_line = models.ForeignKey(
        "incentives.SalesLine", on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    sale_amount = models.DecimalField(_("sales"), **MONEY)

    class Meta:
        ordering = ["run_id", "id"]
        verbose_name = _("accrued sale")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "sales_line"], name="funds_accrued_sale_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run_id} · {self.sales_line_id}"


class FundRequest(PartnerOwnedModel, TimeStampedModel):
    """A partner's proposal of a marketing activity and the funds it asks for;
    approving it commits the amount from the partner's allocation.
    ``open_commitment`` is what is committed and neither claimed nor released."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="requests"
    )
    allocation = models.ForeignKey(
        Allocation,
        on_delete=models.PROTECT,
        related_name="requests",
        null=True,
        blank=True,
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, verbose_name=_("activity type")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    expected_leads = models.PositiveIntegerField(_("expected leads"), default=0)
    expected_revenue = models.DecimalField(_("expected revenue"), **MONEY, default=0)
    campaign_code = models.CharField(_("campaign code"), max_length=20, unique=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RequestStatus.choices,
        default=RequestStatus.DRAFT,
    )
    open_commitment = models.DecimalField(_("open commitment"), **MONEY, default=0)
    claim_deadline = models.DateField(_("claim deadline"), null=True, blank=True)
    plan_file = models.FileField(_("plan"), upload_to="funds/plans/%Y/%m/", blank=True)
    plan_name = models.CharField(max_length=255, blank=True)
    plan_content_type = models.CharField(max_length=100, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    # Its approval on the engine (``approvals``), started when it is submitted.
    approval = models.OneToOneField(
        "approvals.Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("fund request")
        indexes = [models.Index(fields=["status", "claim_deadline"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(open_commitment__gte=0),
                name="funds_request_not_overclaimed",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="funds_request_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FundRequestLine(models.Model):
    """One planned cost of a request (venue, ads, catering…)."""

    request = models.ForeignKey(
        FundRequest, on_delete=models.CASCADE, related_name="lines"
    )
    description = models.CharField(_("cost"), max_length=200)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        ordering = ["request_id", "id"]
        verbose_name = _("planned cost")

    def __str__(self) -> str:
        return self.description


class FundClaim(PartnerOwnedModel, TimeStampedModel):
    """What a partner asks to be paid after (part of) an approved activity, with
    invoices and proof of performance; several claims may follow one request."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        FundRequest, on_delete=models.PROTECT, related_name="claims"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    description = models.TextField(_("description"), blank=True)
    is_final = models.BooleanField(_("last claim for this request"), default=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ClaimStatus.choices,
        default=ClaimStatus.SUBMITTED,
    )
    payout_method = models.CharField(
        _("payout method"),
        max_length=16,
        choices=PayoutMethod.choices,
        default=PayoutMethod.BANK_TRANSFER,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    payout_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payout_approved_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(
        _("payment reference"), max_length=100, blank=True
    )

    # Its approval on the engine (``approvals``), started when it is submitted.
    approval = models.OneToOneField(
        "approvals.Request",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("fund claim")
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="funds_claim_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.amount} {self.request.currency}"


class ClaimFile(TimeStampedModel):
    """An invoice or a proof of performance (photo, attendee list, screenshot)
    attached to a claim, checked by ``core.uploads``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    claim = models.ForeignKey(FundClaim, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=8, choices=ClaimFileKind.choices)
    file = models.FileField(_("file"), upload_to="funds/claims/%Y/%m/")
    original_name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["claim_id", "id"]
        verbose_name = _("claim file")

    def __str__(self) -> str:
        return self.original_name

    @property
    def owning_partner_id(self) -> int:
        return self.claim.partner_id


class LedgerEntry(PartnerOwnedModel):
    """One movement of a partner's funds in one allocation. ``amount`` is positive,
    except an adjustment, which may be either sign; ``ledger.py`` says how each
    kind moves each figure."""

    allocation = models.ForeignKey(
        Allocation, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    request = models.ForeignKey(
        FundRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    claim = models.ForeignKey(
        FundClaim, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The allocation run (fixed, by tier, co-op accrual) that credited it.
    run = models.ForeignKey(
        AllocationRun,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # What outside the funds app paid for a ``points`` entry (the redemption
    # order's id): one entry per reference, so a retry credits nothing more.
    reference = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("when"))

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["partner", "-occurred_at", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=EntryKind.ADJUSTMENT) | Q(amount__gt=0),
                name="funds_entry_amount_positive",
            ),
            models.UniqueConstraint(
                fields=["kind", "reference"],
                condition=~Q(reference=""),
                name="funds_entry_reference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class Attribution(PartnerOwnedModel, TimeStampedModel):
    """A lead or deal that a request's activity produced: found by its campaign
    code, or chosen by the partner and approved by the vendor."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        FundRequest, on_delete=models.CASCADE, related_name="attributions"
    )
    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        "leads.Lead", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source = models.CharField(
        _("source"), max_length=16, choices=AttributionSource.choices
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AttributionStatus.choices,
        default=AttributionStatus.PROPOSED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["request_id", "id"]
        verbose_name = _("attribution")
        constraints = [
            models.CheckConstraint(
                condition=Q(deal__isnull=False, lead__isnull=True)
                | Q(deal__isnull=True, lead__isnull=False),
                name="funds_attribution_one_target",
            ),
            # A deal or lead counts for one activity at most.
            models.UniqueConstraint(
                fields=["deal"],
                condition=~Q(status=AttributionStatus.REJECTED),
                name="funds_attribution_deal_once",
            ),
            models.UniqueConstraint(
                fields=["lead"],
                condition=~Q(status=AttributionStatus.REJECTED),
                name="funds_attribution_lead_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} · {self.deal or self.lead}"
