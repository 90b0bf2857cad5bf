import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.formatting import choice_labels
from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.partners.choices import PartnerType
from openprm.programs import benefits
from openprm.programs.choices import BenefitKind, EnrolmentStatus, Operator
from openprm.programs.metrics import get_metric


class Programme(TimeStampedModel):
    """A partner programme (Reseller, Referral, MSP) with its ordered tiers."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    eligible_partner_types = models.JSONField(
        _("eligible partner types"),
        default=list,
        help_text=_("Partner types that may enrol, e.g. reseller, msp."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("programme")

    def __str__(self) -> str:
        return self.name

    @property
    def eligible_partner_types_display(self) -> str:
        return choice_labels(self.eligible_partner_types, PartnerType)


class Tier(TimeStampedModel):
    """A level within a programme; a higher ``rank`` is a higher tier."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="tiers"
    )
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 is the entry tier; higher ranks are higher tiers.")
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["programme_id", "rank"]
        verbose_name = _("tier")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "rank"], name="programs_tier_rank_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name}: {self.name}"


class TierRequirement(TimeStampedModel):
    """A rule a partner must meet to hold a tier, e.g. certified_people >= 2."""

    tier = models.ForeignKey(
        Tier, on_delete=models.CASCADE, related_name="requirements"
    )
    # A code of programs.metrics.CATALOGUE (checked by the service, not the schema,
    # so that declaring a metric needs no migration).
    metric = models.CharField(_("metric"), max_length=64)
    operator = models.CharField(
        _("operator"), max_length=2, choices=Operator.choices, default=Operator.AT_LEAST
    )
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["tier_id", "metric", "id"]
        verbose_name = _("tier requirement")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(operator__in=Operator.values),
                name="programs_requirement_operator_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.operator} {self.threshold}"

    @property
    def metric_info(self):
        return get_metric(self.metric)


class TierBenefit(TimeStampedModel):
    """What a tier gives its partners; later capabilities read these by kind."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="benefits")
    kind = models.CharField(_("benefit"), max_length=32, choices=BenefitKind.choices)
    # Typed by kind (see programs.benefits): "12.5", 90, true, "Gold playbooks".
    value = models.JSONField(_("value"))

    class Meta:
        ordering = ["tier_id", "kind"]
        verbose_name = _("tier benefit")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "kind"], name="programs_benefit_kind_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.display_value}"

    @property
    def display_value(self) -> str:
        return benefits.display_value(self.kind, self.value)

    @property
    def short_label(self) -> str:
        """The benefit without the unit its value already says ("Deal protection")."""
        return str(self.get_kind_display()).split(" (")[0]


class Enrolment(PartnerOwnedModel, TimeStampedModel):
    """A partner's membership of a programme, at one tier at a time."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("partner"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="enrolments"
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ACTIVE,
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-enrolled_at", "-id"]
        verbose_name = _("enrolment")
        constraints = [
            # One active enrolment per partner and programme; ended ones are history.
            models.UniqueConstraint(
                fields=["partner", "programme"],
                condition=models.Q(status=EnrolmentStatus.ACTIVE),
                name="programs_enrolment_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=EnrolmentStatus.values),
                name="programs_enrolment_status_valid",
            ),
        ]
        indexes = [
            # A programme's enrolments, newest first (its page): the page's keys
            # from the index, no sort.
            models.Index(
                fields=["programme", "enrolled_at", "id"],
                name="programs_enrol_prog_new_idx",
            ),
        ]

    def __str__(self) -> str:
        # Names, for the audit trail's object column ("Contoso in Reseller").
        return f"{self.partner.name} in {self.programme.name}"


class TierChangeQuerySet(PartnerOwnedQuerySet):
    partner_field = "enrolment__partner"


class TierChange(models.Model):
    """One step of an enrolment's tier history: from which tier to which, who, why.

    The first step of every enrolment has no ``from_tier`` (the enrolment itself).
    """

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="tier_changes"
    )
    from_tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from tier"),
    )
    to_tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, related_name="+", verbose_name=_("to tier")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    reason = models.TextField(_("reason"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = TierChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("tier change")

    def __str__(self) -> str:
        return f"{self.from_tier_id} → {self.to_tier_id}"

    @property
    def owning_partner_id(self) -> int:
        return self.enrolment.partner_id
