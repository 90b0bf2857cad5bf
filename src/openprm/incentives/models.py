"""Products, sales data, earning rules and the points ledger.

The ledger is append-only: a balance is the sum of a holder's ``PointsEntry`` rows,
never a stored total. Points that can still be spent sit in lots (``PointsLot``, one
per credit entry) whose ``remaining`` the database keeps between zero and the lot's
amount (``CHECK``); spending and expiring take from lots oldest first with
conditional ``UPDATE``s, after the holder's row is locked (``ledger.py``), so no
balance goes negative, also under concurrent redemptions.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import AppendOnlyModel, AppendOnlyQuerySet, TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.incentives.choices import (
    CapPeriod,
    EntryKind,
    IssueLevel,
    OrderStatus,
    RewardKind,
    RuleBasis,
    UploadStatus,
)

MONEY = {"max_digits": 18, "decimal_places": 4}


class Product(TimeStampedModel):
    """A product the vendor sells through partners, identified by its SKU."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)

    class Meta:
        ordering = ["sku"]
        verbose_name = _("product")
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_until__gte=models.F("active_from")),
                name="incentives_product_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class ProductPrice(models.Model):
    """A product's list price in one currency."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="prices"
    )
    currency = models.CharField(_("currency"), max_length=3)
    list_price = models.DecimalField(_("list price"), **MONEY)

    class Meta:
        ordering = ["product_id", "currency"]
        verbose_name = _("list price")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "currency"], name="incentives_price_unique"
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="incentives_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list_price} {self.currency}"


class EarningRule(TimeStampedModel):
    """What earns points: sales of a product or a product line (per unit or per
    amount), or a behaviour event; multiplied by the partner's tier multiplier,
    capped per period, for an audience, between dates."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("basis"), max_length=16, choices=RuleBasis.choices)
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("product"),
    )
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    event_name = models.CharField(_("event"), max_length=64, blank=True)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=4)
    cap_points = models.PositiveIntegerField(_("cap (points)"), null=True, blank=True)
    cap_period = models.CharField(
        _("cap period"), max_length=8, choices=CapPeriod.choices, blank=True
    )
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("audience"),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("earning rule")
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0), name="incentives_rule_points_positive"
            ),
            models.CheckConstraint(
                condition=Q(basis=RuleBasis.PER_EVENT, product__isnull=True)
                & ~Q(event_name="")
                | ~Q(basis=RuleBasis.PER_EVENT) & Q(event_name=""),
                name="incentives_rule_basis_matches_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PointsAccount(PartnerOwnedModel, TimeStampedModel):
    """Who holds points: a partner company (no user) or one of its users. Its row
    is what a ledger write locks first, so writes to one holder are serialised."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="points_accounts",
        verbose_name=_("partner"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="points_accounts",
        verbose_name=_("user"),
    )
    # Bumped by every ledger write: the write that takes the holder's lock.
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["partner_id", "id"]
        verbose_name = _("points account")
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(user__isnull=True),
                name="incentives_account_one_company",
            ),
            models.UniqueConstraint(
                fields=["partner", "user"],
                condition=Q(user__isnull=False),
                name="incentives_account_one_per_user",
            ),
        ]

    def __str__(self) -> str:
        if self.user_id:
            return f"{self.partner} / {self.user}"
        return str(self.partner)


class PointsEntryQuerySet(AppendOnlyQuerySet, PartnerOwnedQuerySet):
    """Entries are never changed or removed: the ledger only grows."""

    noun = "Points entries"


class PointsEntry(AppendOnlyModel, PartnerOwnedModel):
    """One line of a holder's points ledger: what happened, how many points
    (positive adds, negative takes), why, and what produced it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="entries"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    points = models.BigIntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    rule = models.ForeignKey(
        EarningRule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("rule"),
    )
    # What produced the entry: "sales_line", "deal", "event", "entry", "order".
    source_type = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = PointsEntryQuerySet.as_manager()
    noun = "Points entries"

    BULK_FIELDS = (
        "id",
        "public_id",
        "account_id",
        "partner_id",
        "kind",
        "points",
        "reason",
        "rule_id",
        "source_type",
        "source_id",
        "source_label",
        "reverses_id",
        "actor_id",
        "occurred_at",
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [
            models.Index(
                fields=["account", "-occurred_at", "-id"], name="incentives_entry_hist"
            ),
            models.Index(
                fields=["source_type", "source_id"], name="incentives_entry_source"
            ),
            models.Index(
                fields=["rule", "account", "occurred_at"], name="incentives_entry_cap"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(points=0), name="incentives_entry_not_zero"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[EntryKind.EARN, EntryKind.BONUS], points__gt=0)
                | Q(kind__in=[EntryKind.REDEEM, EntryKind.EXPIRE], points__lt=0)
                | Q(kind__in=[EntryKind.ADJUST, EntryKind.REVERSE]),
                name="incentives_entry_sign_by_kind",
            ),
            # One earn per rule and source: a retried subscriber or a re-run
            # import cannot earn twice.
            models.UniqueConstraint(
                fields=["account", "rule", "source_type", "source_id"],
                condition=Q(kind=EntryKind.EARN),
                name="incentives_entry_earn_once",
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(kind=EntryKind.REVERSE),
                name="incentives_entry_reverse_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points}"


class PointsLot(models.Model):
    """Points one credit entry added, and how many of them can still be spent;
    spent and expired oldest first. The database holds ``0 <= remaining <= amount``."""

    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="lots"
    )
    entry = models.OneToOneField(
        PointsEntry, on_delete=models.PROTECT, related_name="lot"
    )
    amount = models.BigIntegerField()
    remaining = models.BigIntegerField()
    earned_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    # When its holder was told it expires soon (the warning sweep; never twice).
    warned_at = models.DateTimeField(null=True, blank=True)

    BULK_FIELDS = (
        "account_id",
        "entry_id",
        "amount",
        "remaining",
        "earned_at",
        "expires_at",
    )

    class Meta:
        ordering = ["earned_at", "id"]
        indexes = [
            models.Index(
                fields=["account", "earned_at", "id"],
                condition=Q(remaining__gt=0),
                name="incentives_lot_open",
            ),
            models.Index(
                fields=["expires_at"],
                condition=Q(remaining__gt=0),
                name="incentives_lot_expiring",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__gte=0), name="incentives_lot_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(remaining__lte=models.F("amount")),
                name="incentives_lot_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.remaining}/{self.amount}"


class LotDraw(models.Model):
    """How many points a debit entry (redeem, expire, reverse) took from one lot,
    so that a cancelled redemption can put them back where they came from."""

    entry = models.ForeignKey(
        PointsEntry, on_delete=models.PROTECT, related_name="draws"
    )
    lot = models.ForeignKey(PointsLot, on_delete=models.PROTECT, related_name="draws")
    points = models.BigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0), name="incentives_draw_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.points)


class SalesUpload(PartnerOwnedModel, TimeStampedModel):
    """A file of sales lines a partner reported (or the vendor imported on the
    partner's behalf), processed in the worker, with its per-row report."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="sales_uploads",
        verbose_name=_("partner"),
    )
    file = models.FileField(upload_to="sales/")
    file_name = models.CharField(_("file"), max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=UploadStatus.choices,
        default=UploadStatus.QUEUED,
    )
    progress = models.FloatField(default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_imported = models.PositiveIntegerField(_("imported"), default=0)
    rows_failed = models.PositiveIntegerField(_("not imported"), default=0)
    rows_repeated = models.PositiveIntegerField(_("already imported"), default=0)
    points_earned = models.BigIntegerField(_("points earned"), default=0)
    file_error = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sales upload")

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return round(self.progress * 100)

    @property
    def is_working(self) -> bool:
        return self.status in (UploadStatus.QUEUED, UploadStatus.PROCESSING)


class SalesIssue(models.Model):
    """One problem with one row of a sales upload."""

    upload = models.ForeignKey(
        SalesUpload, on_delete=models.CASCADE, related_name="issues"
    )
    row_number = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=64, blank=True)
    level = models.CharField(max_length=8, choices=IssueLevel.choices)
    message = models.CharField(_("problem"), max_length=300)

    BULK_FIELDS = ("upload_id", "row_number", "column", "level", "message")

    class Meta:
        ordering = ["upload_id", "row_number", "id"]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.message}"


class SalesLine(PartnerOwnedModel):
    """One line of an invoice a partner reported: what it sold, to whom, for how
    much; matched to the end customer's registered deal when there is one."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="sales_lines",
        verbose_name=_("selling partner"),
    )
    reseller = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reseller"),
    )
    upload = models.ForeignKey(
        SalesUpload,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lines",
    )
    invoice_number = models.CharField(_("invoice"), max_length=64)
    invoiced_on = models.DateField(_("invoice date"))
    end_customer = models.CharField(_("end customer"), max_length=200)
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="sales_lines"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    # The amount in the reporting currency on the invoice date (None: no rate).
    reporting_amount = models.DecimalField(null=True, blank=True, **MONEY)
    deal = models.ForeignKey(
        "deals.Deal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sales_lines",
        verbose_name=_("deal"),
    )
    reported_at = models.DateTimeField(default=timezone.now)

    BULK_FIELDS = (
        "id",
        "public_id",
        "partner_id",
        "reseller_id",
        "upload_id",
        "invoice_number",
        "invoiced_on",
        "end_customer",
        "product_id",
        "quantity",
        "amount",
        "currency",
        "reporting_amount",
        "deal_id",
        "reported_at",
    )

    class Meta:
        ordering = ["-invoiced_on", "-id"]
        verbose_name = _("sales line")
        constraints = [
            # A re-uploaded file imports each invoice line once.
            models.UniqueConstraint(
                fields=["partner", "invoice_number", "product"],
                name="incentives_sales_line_once",
            ),
        ]
        indexes = [
            models.Index(fields=["deal"], name="incentives_sales_deal"),
            models.Index(
                fields=["partner", "-invoiced_on", "-id"], name="incentives_sales_hist"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_number} {self.product_id}"


class Reward(TimeStampedModel):
    """Something partners can redeem points for, at a price in points, while
    stock lasts (no stock: unlimited)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    points_price = models.PositiveIntegerField(_("price in points"))
    stock = models.PositiveIntegerField(_("in stock"), null=True, blank=True)
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("audience"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The fulfilment provider of this reward's orders ("": the default one).
    fulfilment_provider = models.CharField(_("fulfilment"), max_length=32, blank=True)
    # "Convert to MDF": each order credits ``mdf_amount`` of ``mdf_budget`` to the
    # partner's allocation (funds), at once; other kinds carry neither.
    kind = models.CharField(
        _("kind"), max_length=8, choices=RewardKind.choices, default=RewardKind.GOODS
    )
    mdf_budget = models.ForeignKey(
        "funds.Budget",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("funds budget"),
    )
    mdf_amount = models.DecimalField(
        _("funds per redemption"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
    )
    mdf_currency = models.CharField(_("currency"), max_length=3, blank=True)

    class Meta:
        ordering = ["points_price", "name", "id"]
        verbose_name = _("reward")
        constraints = [
            models.CheckConstraint(
                condition=Q(points_price__gt=0), name="incentives_reward_price_positive"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=RewardKind.MDF,
                        mdf_budget__isnull=False,
                        mdf_amount__gt=0,
                    )
                    & ~Q(mdf_currency="")
                )
                | Q(
                    ~Q(kind=RewardKind.MDF),
                    mdf_budget__isnull=True,
                    mdf_amount__isnull=True,
                    mdf_currency="",
                ),
                name="incentives_reward_mdf_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RedemptionOrder(PartnerOwnedModel, TimeStampedModel):
    """A reward redeemed by a partner user: the points it took, and what became
    of it (a cancellation refunds the points)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="redemption_orders",
        verbose_name=_("partner"),
    )
    account = models.ForeignKey(
        PointsAccount, on_delete=models.PROTECT, related_name="orders"
    )
    reward = models.ForeignKey(
        Reward,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("reward"),
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ordered by"),
    )
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=OrderStatus.choices,
        default=OrderStatus.PLACED,
    )
    redeem_entry = models.OneToOneField(
        PointsEntry, on_delete=models.PROTECT, related_name="+"
    )
    refund_entry = models.OneToOneField(
        PointsEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who fulfils the order, and what the provider needs to find it again (e.g.
    # the webhook endpoint whose secret signs its callbacks); set when sent.
    fulfilment_provider = models.CharField(_("fulfilment"), max_length=32, blank=True)
    fulfilment_options = models.JSONField(default=dict, blank=True)
    tracking = models.CharField(_("tracking"), max_length=200, blank=True)
    # When a CSV batch export included the order (it is exported once).
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)
    # The approval of an order above the threshold (approvals engine).
    approval = models.ForeignKey(
        "approvals.Request",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("redemption order")
        indexes = [
            models.Index(
                fields=["fulfilment_provider", "status"],
                condition=Q(exported_at__isnull=True),
                name="incentives_order_to_export",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reward} ({self.points})"


class FulfilmentSetting(TimeStampedModel):
    """How the vendor set up one fulfilment provider (its options), and whether it
    fulfils the orders of rewards that name none (at most one default)."""

    provider = models.CharField(_("provider"), max_length=32, unique=True)
    options = models.JSONField(default=dict, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["provider"]
        verbose_name = _("fulfilment setting")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="incentives_fulfilment_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.provider


class IncentiveSettings(TimeStampedModel):
    """The vendor's settings of the incentives programme, kept in the console
    (one row, ``rewards.incentive_settings``)."""

    # Orders of a reward priced above this many points wait for approval; 0:
    # never; empty: ``OPENPRM_REDEMPTION_APPROVAL_ABOVE`` (the default).
    redemption_approval_above = models.PositiveIntegerField(
        _("approval above (points)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("incentive settings")
        verbose_name_plural = _("incentive settings")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="incentives_settings_one")
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class FulfilmentUpdate(models.Model):
    """One step of an order's fulfilment (sent, exported, shipped, delivered,
    failed), as its provider or a vendor user reported it: the order's history."""

    order = models.ForeignKey(
        RedemptionOrder, on_delete=models.CASCADE, related_name="fulfilment_updates"
    )
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices)
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    tracking = models.CharField(_("tracking"), max_length=200, blank=True)
    # The provider's message id (a callback's webhook-id): a redelivered
    # callback is recognised and changes nothing.
    message_id = models.CharField(max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("fulfilment update")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "message_id"],
                condition=~Q(message_id=""),
                name="incentives_fulfilment_message_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"
