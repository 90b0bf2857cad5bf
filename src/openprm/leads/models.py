"""Models of leads: vendor leads, the rules that route them to partners, each
partner's capacity, every offer made to a partner and the lead's timeline."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import (
    PartnerOwnedModel,
    PartnerOwnedQuerySet,
    scope_for,
)
from openprm.partners.choices import EmployeeBand, Industry, Region


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    # Rejected or recalled, and no other partner was eligible: waiting for the vendor.
    REJECTED = "rejected", _("Rejected")
    RECALLED = "recalled", _("Recalled")
    WORKING = "working", _("Working")
    CONVERTED = "converted", _("Converted")
    LOST = "lost", _("Lost")
    UNASSIGNED = "unassigned", _("Unassigned")


# A partner holds these leads; they count against its capacity.
OPEN_STATUSES = (LeadStatus.OFFERED, LeadStatus.ACCEPTED, LeadStatus.WORKING)
# The vendor may (re)route these.
ROUTABLE_STATUSES = (
    LeadStatus.NEW,
    LeadStatus.UNASSIGNED,
    LeadStatus.REJECTED,
    LeadStatus.RECALLED,
)


# What a lead's creator sets (console form, API, import columns); the rest is state.
LEAD_DATA_FIELDS = (
    "company",
    "domain",
    "contact_name",
    "contact_email",
    "contact_phone",
    "country",
    "region",
    "postal_code",
    "industry",
    "product_interest",
    "size_band",
    "latitude",
    "longitude",
    "description",
    "external_id",
)


class LeadSource(models.TextChoices):
    CONSOLE = "console", _("Console")
    IMPORT = "import", _("Import")
    API = "api", _("API")


class RoutingStrategy(models.TextChoices):
    NAMED = "named", _("Named partner")
    ROUND_ROBIN = "round_robin", _("Round-robin")
    WEIGHTED = "weighted", _("Weighted by tier, score and performance")
    NEAREST = "nearest", _("Nearest by distance")


class AssignmentOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    RECALLED = "recalled", _("Recalled")


class ActivityKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    ASSIGNED = "assigned", _("Assigned")
    UNASSIGNED = "unassigned", _("No eligible partner")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    RECALLED = "recalled", _("Recalled")
    STATUS_CHANGED = "status_changed", _("Status changed")
    NOTE = "note", _("Note")
    CONVERTED = "converted", _("Converted")


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Partner users: the leads currently with their partner(s). Vendor staff:
        every lead, or a channel manager's partners' leads, the leads of their
        territories and the leads they created."""
        scope = scope_for(user)
        if scope.is_empty:
            return self.none()
        condition = scope.q("current_partner")
        if getattr(user, "is_vendor_staff", False) and not scope.everything:
            condition |= models.Q(created_by=user)
            if scope.regions:
                condition |= models.Q(region__in=scope.regions)
            if scope.countries:
                condition |= models.Q(country__in=scope.countries)
        return self.filter(condition)


class Lead(TimeStampedModel):
    """A prospective customer the vendor hands to a partner to pursue."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    company = models.CharField(_("company"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2")
    )
    region = models.CharField(_("region"), max_length=8, choices=Region.choices)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    industry = models.CharField(
        _("industry"), max_length=32, choices=Industry.choices, blank=True
    )
    # One of the partners' specialisations (OPENPRM_SPECIALISATIONS).
    product_interest = models.CharField(
        _("product interest"), max_length=64, blank=True
    )
    size_band = models.CharField(
        _("size"), max_length=16, choices=EmployeeBand.choices, blank=True
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    # The CRM's id: a push with the same id updates this lead instead of adding one.
    external_id = models.CharField(
        _("external id"), max_length=100, null=True, blank=True, unique=True
    )
    source = models.CharField(
        _("source"),
        max_length=16,
        choices=LeadSource.choices,
        default=LeadSource.CONSOLE,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW
    )
    current_partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    # The deal the lead became (deals.Deal's public id).
    converted_deal_id = models.UUIDField(_("converted deal"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lead")
        indexes = [
            models.Index(
                fields=["current_partner", "status"], name="leads_partner_status"
            ),
            models.Index(fields=["status", "-created_at"], name="leads_status_new"),
            # The console's list, newest first: the page's keys from the index.
            models.Index(fields=["created_at", "id"], name="leads_newest"),
            # A partner's leads newest first (the portal's list): no sort.
            models.Index(
                fields=["current_partner", "created_at", "id"],
                name="leads_partner_newest",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=LeadStatus.values),
                name="leads_lead_status_valid",
            ),
            # A partner holds an open lead; nobody holds a lead waiting for routing.
            models.CheckConstraint(
                condition=~models.Q(status__in=OPEN_STATUSES)
                | models.Q(current_partner__isnull=False),
                name="leads_open_lead_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.company

    @property
    def owning_partner_id(self) -> int | None:
        return self.current_partner_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class LeadRoutingRule(TimeStampedModel):
    """One ordered routing rule: which leads it takes (its conditions, empty means
    any) and how it picks a partner among the eligible ones (its strategy)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Conditions on the lead: lists of accepted values; an empty list accepts all.
    countries = models.JSONField(_("countries"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    postal_prefixes = models.JSONField(_("postal-code prefixes"), default=list)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    product_interests = models.JSONField(_("product interests"), default=list)
    size_bands = models.JSONField(_("sizes"), default=list, blank=True)
    # Which partners are eligible, besides being active and within capacity.
    same_country = models.BooleanField(_("partner in the lead's country"), default=True)
    same_region = models.BooleanField(_("partner in the lead's region"), default=False)
    match_specialisation = models.BooleanField(
        _("partner specialised in the product interest"), default=False
    )
    match_industry = models.BooleanField(
        _("partner serves the lead's industry"), default=False
    )
    strategy = models.CharField(
        _("strategy"), max_length=16, choices=RoutingStrategy.choices
    )
    named_partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named partner"),
    )
    # Weights of the weighted strategy (each factor is between 0 and 1).
    tier_weight = models.FloatField(_("tier weight"), default=1.0)
    score_weight = models.FloatField(_("scorecard weight"), default=1.0)
    acceptance_weight = models.FloatField(_("acceptance-rate weight"), default=1.0)
    win_weight = models.FloatField(_("win-rate weight"), default=1.0)
    # Round-robin state: the partner that received this rule's last lead.
    last_partner_id = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("lead routing rule")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strategy__in=RoutingStrategy.values),
                name="leads_rule_strategy_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(strategy=RoutingStrategy.NAMED)
                | models.Q(named_partner__isnull=False),
                name="leads_named_rule_has_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LeadCapacity(TimeStampedModel, PartnerOwnedModel):
    """How many open leads (offered, accepted, working) a partner takes at most;
    a partner without a row takes OPENPRM_LEAD_DEFAULT_CAPACITY."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.CASCADE, related_name="lead_capacity"
    )
    max_open_leads = models.PositiveIntegerField(_("maximum open leads"))

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["partner_id"]
        verbose_name = _("lead capacity")

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.max_open_leads}"


class LeadAssignment(PartnerOwnedModel):
    """One offer of a lead to a partner: why this partner, whom the rule passed
    over and why, the answer deadline and what became of it."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="assignments")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(
        LeadRoutingRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    rule_name = models.CharField(_("rule"), max_length=200, blank=True)
    # ["Rule 'DACH' matches: country DE", "Weight 0.82: tier 3/3 ...", ...]
    reasons = models.JSONField(_("reasons"), default=list)
    # [{"partner": id, "name": ..., "why": ...}]
    passed_over = models.JSONField(_("passed over"), default=list)
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    respond_by = models.DateTimeField(_("respond by"))
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=AssignmentOutcome.choices,
        default=AssignmentOutcome.PENDING,
    )
    outcome_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["offered_at", "id"]
        verbose_name = _("lead assignment")
        indexes = [
            models.Index(fields=["outcome", "respond_by"], name="leads_assign_due"),
            models.Index(fields=["partner", "outcome"], name="leads_assign_partner"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=AssignmentOutcome.values),
                name="leads_assignment_outcome_valid",
            ),
            # One pending offer per lead at a time.
            models.UniqueConstraint(
                fields=["lead"],
                condition=models.Q(outcome="pending"),
                name="leads_one_pending_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} to {self.partner_id}"


class LeadActivity(models.Model):
    """One entry of a lead's timeline: an assignment, a recall, a status change,
    a note."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    message = models.TextField(_("message"), blank=True)
    # Reasons and passed-over candidates of an assignment, old and new status, ...
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("lead activity")

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.kind}"
