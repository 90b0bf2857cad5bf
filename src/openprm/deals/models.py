"""Models of deals: stages, partner-registered deals and their lines, attachments,
notes, conflicts, protections, extensions and won revenue; the vendor's own CRM
accounts that registrations are checked against."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import search
from openprm.core.formatting import choice_label
from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.deals.choices import (
    IN_REVIEW,
    LIVE,
    AccountKind,
    DealStatus,
    ExtensionStatus,
    NoteKind,
    StageKind,
)
from openprm.partners.choices import specialisation_choices


class Stage(TimeStampedModel):
    """A step of the sales pipeline with the probability that a deal in it closes."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), help_text=_("0 to 100.")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(
        _("kind"), max_length=8, choices=StageKind.choices, default=StageKind.OPEN
    )

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("stage")
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="deals_stage_probability_max"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=StageKind.values), name="deals_stage_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def conflict_indexes(prefix: str, condition: Q) -> list[models.Index]:
    """The conflict check's indexes of a table of customers, on the rows that can
    conflict only: the domain, the normalised name, and each blocking key with the
    name (the order in which the check reads a key's nearest names)."""
    return [
        models.Index(
            fields=fields, condition=condition, name=f"{prefix}_live_{suffix}_idx"
        )
        for suffix, fields in (
            ("domain", ["customer_domain"]),
            ("name", ["customer_name_normalised"]),
            ("token1", ["name_token_first", "customer_name_normalised"]),
            ("token2", ["name_token_longest", "customer_name_normalised"]),
        )
    ]


class CustomerFields(models.Model):
    """The end customer as the conflict check reads it: name, domain, country and the
    blocking keys that narrow a million rows to a few candidates by index."""

    customer_name = models.CharField(_("customer"), max_length=200)
    # Lower case, accents, punctuation and legal suffixes removed (deals.conflicts).
    customer_name_normalised = models.CharField(max_length=200, editable=False)
    # Blocking keys: the first and the longest significant name token.
    name_token_first = models.CharField(max_length=64, editable=False, blank=True)
    name_token_longest = models.CharField(max_length=64, editable=False, blank=True)
    customer_domain = models.CharField(_("customer domain"), max_length=253, blank=True)
    customer_country = models.CharField(_("customer country"), max_length=2, blank=True)

    class Meta:
        abstract = True


class Deal(PartnerOwnedModel, CustomerFields, TimeStampedModel):
    """An opportunity a partner registers with the vendor to have it protected."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="deals",
        verbose_name=_("partner"),
    )
    title = models.CharField(_("title"), max_length=200)
    # "domain:example.com" or "name:<normalised name>": what protection is keyed by.
    customer_key = models.CharField(max_length=260, editable=False)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    total_amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, default=0
    )
    expected_close_date = models.DateField(_("expected close date"))
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="deals", verbose_name=_("stage")
    )
    description = models.TextField(_("description"), blank=True)
    competitor = models.CharField(_("competitor"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=DealStatus.choices,
        default=DealStatus.SUBMITTED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # The approval SLA: the decision is due by then (business days).
    review_due_at = models.DateTimeField(_("review due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    protected_until = models.DateTimeField(_("protected until"), null=True, blank=True)
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.TextField(_("lost reason"), blank=True)
    # The lead this deal was converted from (the leads app owns that row).
    source_lead_id = models.UUIDField(_("source lead"), null=True, blank=True)
    conflict_score = models.PositiveSmallIntegerField(
        _("conflict score"), default=0, editable=False
    )

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("deal")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DealStatus.values),
                name="deals_deal_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0), name="deals_deal_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__isnull=True)
                | Q(discount_percent__gte=0, discount_percent__lte=100),
                name="deals_deal_discount_range",
            ),
        ]
        indexes = [
            # The conflict check's lookups (selectors.conflict_candidates): live
            # registrations only, so closed ones cost neither reads nor the bound.
            *conflict_indexes("deals_deal", Q(status__in=LIVE)),
            models.Index(fields=["status", "review_due_at"], name="deals_deal_due_idx"),
            models.Index(
                fields=["status", "protected_until"], name="deals_deal_protect_idx"
            ),
            models.Index(
                fields=["partner", "submitted_at", "id"], name="deals_deal_partner_idx"
            ),
            # The console's lists, newest first, all deals or one status: the page's
            # keys from the index (core.pagination.capped_page), no sort.
            models.Index(fields=["submitted_at", "id"], name="deals_deal_newest_idx"),
            models.Index(
                fields=["status", "submitted_at", "id"],
                name="deals_deal_status_newest_idx",
            ),
            models.Index(fields=["source_lead_id"], name="deals_deal_lead_idx"),
            # The review queue, the most urgent first: the page's keys from the
            # index of the registrations in review only, no sort.
            models.Index(
                fields=["review_due_at", "id"],
                condition=Q(status__in=IN_REVIEW),
                name="deals_deal_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.customer_name})"


class DealLineQuerySet(PartnerOwnedQuerySet):
    partner_field = "deal__partner"


class DealLine(models.Model):
    """One product line of a deal with its quantity and amount."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="lines")
    # A code of the vendor's product lines (partners.choices.specialisation_choices),
    # checked by the service so that a deployment's own list needs no migration.
    product_line = models.CharField(_("product line"), max_length=64)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    objects = DealLineQuerySet.as_manager()

    class Meta:
        ordering = ["deal_id", "id"]
        verbose_name = _("deal line")
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "product_line"], name="deals_line_product_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="deals_line_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_line} x {self.quantity}"

    @property
    def product_line_label(self) -> str:
        """The product line by its name ("Security"), as the form offers it."""
        return choice_label(self.product_line, specialisation_choices())

    @property
    def owning_partner_id(self) -> int:
        return self.deal.partner_id


class DealChildQuerySet(PartnerOwnedQuerySet):
    partner_field = "deal__partner"


class DealAttachment(TimeStampedModel):
    """A document attached to a registration (a quote, an RFP), checked on upload."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="deals/attachments/%Y/%m/")
    original_name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["deal_id", "id"]
        verbose_name = _("deal attachment")

    def __str__(self) -> str:
        return self.original_name

    @property
    def owning_partner_id(self) -> int:
        return self.deal.partner_id


class DealNote(models.Model):
    """A message on a registration: the reviewer's question, the partner's answer."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=NoteKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    objects = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["deal_id", "created_at", "id"]
        verbose_name = _("deal note")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.body[:50]}"

    @property
    def owning_partner_id(self) -> int:
        return self.deal.partner_id


class CustomerAccount(CustomerFields, TimeStampedModel):
    """An account or open opportunity of the vendor's own, imported or synced from
    the CRM: a registration for the same customer is a conflict."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(_("CRM id"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=AccountKind.choices,
        default=AccountKind.ACCOUNT,
    )
    product_line = models.CharField(_("product line"), max_length=64, blank=True)
    expected_close_date = models.DateField(
        _("expected close date"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["customer_name", "id"]
        verbose_name = _("customer account")
        indexes = [
            # The conflict check's lookups, active accounts only (as for deals).
            *conflict_indexes("deals_account", Q(is_active=True)),
        ]

    def __str__(self) -> str:
        return self.customer_name


class DealConflict(models.Model):
    """A possible clash found when a deal was registered: another registration or a
    vendor account for the same customer, with a score (0-100) and the reasons."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="conflicts")
    conflicting_deal = models.ForeignKey(
        Deal, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    account = models.ForeignKey(
        CustomerAccount,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(_("score"))
    # [{"code": "domain", "text": "Same domain acme.com"}, ...]
    reasons = models.JSONField(_("reasons"), default=list)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["deal_id", "-score", "id"]
        verbose_name = _("deal conflict")
        constraints = [
            models.CheckConstraint(
                condition=Q(conflicting_deal__isnull=False, account__isnull=True)
                | Q(conflicting_deal__isnull=True, account__isnull=False),
                name="deals_conflict_one_target",
            ),
            models.CheckConstraint(
                condition=Q(score__lte=100), name="deals_conflict_score_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id} ~ {self.conflicting_deal_id or self.account_id}"

    @property
    def owning_partner_id(self) -> int:
        return self.deal.partner_id


class DealProtection(models.Model):
    """The exclusivity an approved registration holds on a customer and product line.

    The partial unique index is the rule itself: two approvals racing for the same
    customer and product line cannot both insert an active row, whatever the
    application checked before.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="protections")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    customer_key = models.CharField(max_length=260)
    product_line = models.CharField(max_length=64)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("deal protection")
        constraints = [
            models.UniqueConstraint(
                fields=["customer_key", "product_line"],
                condition=Q(is_active=True),
                name="deals_protection_one_active",
            ),
        ]
        indexes = [
            models.Index(fields=["is_active", "ends_at"], name="deals_protect_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_key} / {self.product_line}"

    @property
    def owning_partner_id(self) -> int:
        return self.partner_id


class DealExtension(models.Model):
    """A partner's request to extend a registration's protection, and its decision."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField(_("days"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = DealChildQuerySet.as_manager()

    class Meta:
        ordering = ["deal_id", "-requested_at", "-id"]
        verbose_name = _("protection extension")
        constraints = [
            # One open request per deal.
            models.UniqueConstraint(
                fields=["deal"],
                condition=Q(status="requested"),
                name="deals_extension_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.days} days ({self.status})"

    @property
    def owning_partner_id(self) -> int:
        return self.deal.partner_id


class DealRevenue(PartnerOwnedModel, TimeStampedModel):
    """Revenue a partner closed: written once when a registered deal is won, for the
    incentives that reward it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="deal_revenues",
        verbose_name=_("partner"),
    )
    deal = models.OneToOneField(Deal, on_delete=models.CASCADE, related_name="revenue")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    won_on = models.DateField(_("won on"))

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-won_on", "-id"]
        verbose_name = _("deal revenue")
        indexes = [
            models.Index(fields=["partner", "won_on"], name="deals_revenue_partner_idx")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class PipelineCell(models.Model):
    """The live deals of one partner in one stage, close month and currency: how
    many and their amount in hundredths. Kept by database triggers on deals (every
    insert, update and delete, in the writer's transaction, whatever wrote it), so
    the pipeline sums cells instead of deals; ``pipeline.services.pipeline_rebuild``
    recomputes them from the deals and reports drift. No foreign keys: a cell of
    a deleted partner or stage falls to zero and the rebuild removes it."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()  # the first day of the expected close month
    currency = models.CharField(max_length=3)
    deal_count = models.IntegerField(default=0)
    amount_minor = models.BigIntegerField(default=0)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "stage", "month", "currency"],
                name="deals_pipelinecell_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.stage_id} {self.month:%Y-%m} {self.currency}"


class PipelineTotal(models.Model):
    """The same sums for every partner of a region together: the ecosystem's
    pipeline in a few thousand rows however many deals there are. Kept by the same
    triggers, and by one on a partner's region."""

    region = models.CharField(max_length=8)
    stage = models.ForeignKey(
        Stage, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    month = models.DateField()
    currency = models.CharField(max_length=3)
    deal_count = models.IntegerField(default=0)
    amount_minor = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "stage", "month", "currency"],
                name="deals_pipelinetotal_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.stage_id} {self.month:%Y-%m} {self.currency}"


# The deal list's searchable text (core.search; created by migration deals.0005).
DEAL_SEARCH = search.declare("deals_deal", ("title", "customer_name"))
