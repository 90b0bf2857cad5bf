"""SPIFFs, rebate programmes and the money accrual ledger.

A SPIFF's budget is held by the database: ``CHECK (spent <= budget)`` and every
earning takes its share with a conditional ``UPDATE`` (``spiffs.py``), so a budget
is never overspent, also when partners report sales at the same time. Money a
partner earns (a SPIFF paid in money, a rebate) is an append-only ledger: a
balance is the sum of its ``MoneyEntry`` rows, never a stored total.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.accruals.choices import (
    MoneyKind,
    PayIn,
    PayoutStatus,
    RebateBasis,
    RebatePeriod,
    SpiffBasis,
    StatementStatus,
)
from openprm.core.models import AppendOnlyModel, AppendOnlyQuerySet, TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet

MONEY = {"max_digits": 18, "decimal_places": 4}


class Spiff(TimeStampedModel):
    """A time-bound incentive: so much per unit of a product (or a product line)
    sold, or a percentage of the amount of such sales, by the partners of an
    audience between two dates, in points or money, until its budget is spent."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    product = models.ForeignKey(
        "incentives.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    product_line = models.CharField(_("product line"), max_length=100, blank=True)
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("audience"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    pay_in = models.CharField(_("paid in"), max_length=8, choices=PayIn.choices)
    basis = models.CharField(
        _("pays"),
        max_length=8,
        choices=SpiffBasis.choices,
        default=SpiffBasis.PER_UNIT,
    )
    # Per unit sold: points, or money in ``currency`` (the reporting currency);
    # per cent: of each line's amount in the reporting currency (as points, or
    # as money).
    rate = models.DecimalField(_("rate"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    budget = models.DecimalField(_("budget"), **MONEY)
    spent = models.DecimalField(_("spent"), default=0, editable=False, **MONEY)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        verbose_name = _("SPIFF")
        constraints = [
            # The budget is never overspent, whoever writes.
            models.CheckConstraint(
                condition=Q(spent__gte=0) & Q(spent__lte=models.F("budget")),
                name="accruals_spiff_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0) & Q(budget__gt=0),
                name="accruals_spiff_positive",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="accruals_spiff_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(basis=SpiffBasis.PERCENT) | Q(rate__lte=100),
                name="accruals_spiff_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(product__isnull=False) | ~Q(product_line=""),
                name="accruals_spiff_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remaining(self):
        return self.budget - self.spent

    @property
    def spent_percent(self) -> int:
        return int(self.spent * 100 / self.budget) if self.budget else 0


class MoneyAccount(PartnerOwnedModel, TimeStampedModel):
    """A partner's money accrual ledger; its row is what a payout locks first."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.OneToOneField(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="money_account",
        verbose_name=_("partner"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["partner_id"]
        verbose_name = _("money account")

    def __str__(self) -> str:
        return str(self.partner)


class MoneyEntryQuerySet(AppendOnlyQuerySet, PartnerOwnedQuerySet):
    noun = "Money entries"


class MoneyEntry(AppendOnlyModel, PartnerOwnedModel):
    """One line of a partner's money ledger: what was accrued or paid, why, and
    what produced it (a SPIFF earning, a rebate statement, a payout)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(
        MoneyAccount, on_delete=models.PROTECT, related_name="entries"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=MoneyKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # What produced it: "spiff_earning", "rebate_statement", "payout".
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

    objects = MoneyEntryQuerySet.as_manager()
    noun = "Money entries"

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("money entry")
        verbose_name_plural = _("money entries")
        indexes = [
            models.Index(
                fields=["account", "-occurred_at", "-id"], name="accruals_entry_hist"
            ),
            models.Index(
                fields=["source_type", "source_id"], name="accruals_entry_source"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount=0), name="accruals_entry_not_zero"
            ),
            models.CheckConstraint(
                condition=Q(kind=MoneyKind.SPIFF, amount__gt=0)
                | Q(kind=MoneyKind.PAYOUT, amount__lt=0)
                | Q(kind__in=[MoneyKind.REBATE, MoneyKind.TRUE_UP, MoneyKind.REVERSE]),
                name="accruals_entry_sign_by_kind",
            ),
            models.UniqueConstraint(
                fields=["reverses"],
                condition=Q(kind=MoneyKind.REVERSE),
                name="accruals_entry_reverse_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"


class SpiffEarning(PartnerOwnedModel, TimeStampedModel):
    """What one sales line earned from one SPIFF (at most once), and the ledger
    entry that paid it; reversed when the line is returned."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    spiff = models.ForeignKey(Spiff, on_delete=models.PROTECT, related_name="earnings")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    sales_line = models.ForeignKey(
        "incentives.SalesLine", on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(_("units"), max_digits=14, decimal_places=4)
    amount = models.DecimalField(_("earned"), **MONEY)
    points_entry = models.OneToOneField(
        "incentives.PointsEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    money_entry = models.OneToOneField(
        MoneyEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SPIFF earning")
        constraints = [
            # A re-imported line or a retried batch earns a SPIFF once.
            models.UniqueConstraint(
                fields=["spiff", "sales_line"], name="accruals_spiff_earning_once"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="accruals_spiff_earning_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["spiff", "partner"], name="accruals_earning_spiff"),
        ]

    def __str__(self) -> str:
        return f"{self.spiff} {self.amount}"


class Payout(PartnerOwnedModel, TimeStampedModel):
    """Money owed to a partner that finance approves and then exports for
    payment; approved, it is taken from the ledger by a payout entry."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="payouts",
        verbose_name=_("partner"),
    )
    account = models.ForeignKey(
        MoneyAccount, on_delete=models.PROTECT, related_name="payouts"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PayoutStatus.choices,
        default=PayoutStatus.PENDING,
    )
    approval = models.ForeignKey(
        "approvals.Request",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entry = models.OneToOneField(
        MoneyEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    exported_at = models.DateTimeField(_("exported"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("payout")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="accruals_payout_positive"
            ),
            # One payout awaiting approval per partner at a time.
            models.UniqueConstraint(
                fields=["partner"],
                condition=Q(status=PayoutStatus.PENDING),
                name="accruals_payout_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.amount} {self.currency}"


class RebateProgramme(TimeStampedModel):
    """A rebate: a percentage of each partner's sales per period, by tiers of
    sales volume, or by tiers of growth over the prior period."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    basis = models.CharField(_("basis"), max_length=8, choices=RebateBasis.choices)
    period = models.CharField(_("period"), max_length=8, choices=RebatePeriod.choices)
    product_line = models.CharField(
        _("product line"), max_length=100, blank=True, help_text=_("Empty: all sales.")
    )
    audience = models.ForeignKey(
        "segments.Audience",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("audience"),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("rebate programme")

    def __str__(self) -> str:
        return self.name


class RebateTier(models.Model):
    """From ``threshold`` (sales in the reporting currency, or growth in per
    cent), the programme pays ``rate`` per cent of the period's sales."""

    programme = models.ForeignKey(
        RebateProgramme, on_delete=models.CASCADE, related_name="tiers"
    )
    threshold = models.DecimalField(_("from"), **MONEY)
    rate = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)

    class Meta:
        ordering = ["programme_id", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "threshold"], name="accruals_tier_unique"
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100),
                name="accruals_tier_rate_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threshold}: {self.rate} %"


class RebateStatement(PartnerOwnedModel, TimeStampedModel):
    """A partner's rebate for one period of a programme: the sales it counted,
    the rate it reached, the rebate, and what the ledger holds for it so far."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        RebateProgramme, on_delete=models.PROTECT, related_name="statements"
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="rebate_statements",
        verbose_name=_("partner"),
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    sales_amount = models.DecimalField(_("sales"), **MONEY)
    prior_amount = models.DecimalField(
        _("prior period sales"), null=True, blank=True, **MONEY
    )
    rate = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    rebate_amount = models.DecimalField(_("rebate"), **MONEY)
    accrued_amount = models.DecimalField(_("accrued"), default=0, **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=StatementStatus.choices,
        default=StatementStatus.ACCRUED,
    )
    calculated_at = models.DateTimeField(_("calculated"))

    class Meta:
        ordering = ["-period_start", "partner_id", "id"]
        verbose_name = _("rebate statement")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "partner", "period_start"],
                name="accruals_statement_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.period_start}"


class RebatePeriodClose(models.Model):
    """A programme's period trued up: its final calculation ran (by finance or
    the sweep). Once per period, by the database."""

    programme = models.ForeignKey(
        RebateProgramme, on_delete=models.CASCADE, related_name="closes"
    )
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("until (exclusive)"))
    closed_at = models.DateTimeField(_("trued up"), default=timezone.now)

    class Meta:
        ordering = ["programme_id", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start"], name="accruals_close_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.period_start}"


class SalesReturn(PartnerOwnedModel):
    """A reported sales line that came back: what it earned (rule points,
    SPIFFs) is taken back and rebates stop counting it. Once per line."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sales_line = models.OneToOneField(
        "incentives.SalesLine", on_delete=models.PROTECT, related_name="sales_return"
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    returned_at = models.DateTimeField(_("returned"), default=timezone.now)

    class Meta:
        ordering = ["-returned_at", "-id"]
        verbose_name = _("sales return")

    def __str__(self) -> str:
        return str(self.sales_line)
