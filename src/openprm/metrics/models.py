"""The rollups of the metric catalogue and the facts only this app records."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel


class DailyValue(models.Model):
    """One stored series' figure for one partner on one day (partner x day grain).

    Written only by ``rollups`` (set-based SQL): the outbox subscriber recomputes the
    cells an event touched, the nightly sweep recomputes a window.
    """

    # No database constraint: rows are written in bulk by set-based SQL, and a
    # partner's rows go with it through the nightly rebuild; joins to the partner
    # (region, type, tier) are what the dashboards need.
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    day = models.DateField()
    series = models.CharField(max_length=48)
    value = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["partner_id", "day", "series"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner_id", "day", "series"], name="metrics_daily_cell"
            )
        ]
        indexes = [models.Index(fields=["day", "series"], name="metrics_daily_day")]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day} {self.series}={self.value}"


class MonthlyValue(models.Model):
    """One stored series' figure for one partner in one month (``month`` is its
    first day): the sum of the days, or a distinct count taken over the month."""

    # No database constraint: rows are written in bulk by set-based SQL, and a
    # partner's rows go with it through the nightly rebuild; joins to the partner
    # (region, type, tier) are what the dashboards need.
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    month = models.DateField()
    series = models.CharField(max_length=48)
    value = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["partner_id", "month", "series"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner_id", "month", "series"], name="metrics_monthly_cell"
            )
        ]
        indexes = [
            models.Index(fields=["month", "series"], name="metrics_monthly_month")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.month} {self.series}={self.value}"


class StagedValue(models.Model):
    """The nightly rebuild's freshly computed days, compared with ``DailyValue`` in
    SQL before they replace it (the drift report)."""

    partner_id = models.BigIntegerField()
    day = models.DateField()
    series = models.CharField(max_length=48)
    value = models.DecimalField(max_digits=20, decimal_places=4)

    class Meta:
        ordering = ["partner_id", "day", "series"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.day} {self.series}={self.value}"


class SignIn(PartnerOwnedModel):
    """A partner user signed in while a member of the partner: what the logins and
    active users metrics count (one row per organisation the user belongs to)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("sign-in")
        indexes = [
            models.Index(fields=["partner", "occurred_at"], name="metrics_signin_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class RebuildRun(models.Model):
    """One recomputation of a window of the rollups, and the drift it found: cells
    whose stored figure differed from the one recomputed from the facts."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    cells = models.PositiveIntegerField(_("cells"), default=0)
    drifted = models.PositiveIntegerField(_("cells that drifted"), default=0)
    # A few drifted cells: [{"partner": id, "day": iso, "series": code,
    # "stored": "1.0000" | null, "recomputed": "2.0000" | null}]
    sample = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("rollup rebuild")

    def __str__(self) -> str:
        return f"{self.first_day}..{self.last_day}: {self.drifted} drifted"


class RecommendationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved, waiting for the grace period")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn: the figures recovered")


class TierRecommendation(PartnerOwnedModel, TimeStampedModel):
    """A tier evaluation that recommends a move (promote or demote), its reasons
    (every requirement with its figure) and what became of it: reviewed, then
    applied at once (a promotion) or after the grace period (a demotion)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(
        "programs.Enrolment", on_delete=models.CASCADE, related_name="+"
    )
    from_tier = models.ForeignKey(
        "programs.Tier", on_delete=models.PROTECT, related_name="+"
    )
    to_tier = models.ForeignKey(
        "programs.Tier", on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(_("recommendation"), max_length=8)
    results = models.JSONField(_("requirements"), default=list)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.PENDING,
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)
    # A demotion takes effect no earlier than this; a promotion at once.
    effective_at = models.DateTimeField(_("takes effect"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-evaluated_at", "-id"]
        verbose_name = _("tier recommendation")
        constraints = [
            # One open recommendation per enrolment: a new evaluation updates it.
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="metrics_one_open_recommendation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner.name}: {self.from_tier.name} → {self.to_tier.name}"


class HealthModel(TimeStampedModel):
    """How a programme judges its partners' health: weighted metrics of the
    catalogue with targets (like a scorecard, but on performance), and when a
    partner is at risk."""

    programme = models.OneToOneField(
        "programs.Programme", on_delete=models.CASCADE, related_name="health_model"
    )
    # Below this score a partner is at risk (its channel manager is told once,
    # when it falls below).
    at_risk_below = models.DecimalField(
        _("at risk below"), max_digits=5, decimal_places=2, default=50
    )
    # A fall of this many points since the last score also tells the manager.
    alert_drop = models.DecimalField(
        _("alert on a drop of"), max_digits=5, decimal_places=2, default=15
    )

    class Meta:
        ordering = ["programme_id"]
        verbose_name = _("health score model")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(at_risk_below__gte=0, at_risk_below__lte=100),
                name="metrics_health_at_risk_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(alert_drop__gt=0, alert_drop__lte=100),
                name="metrics_health_drop_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Health of {self.programme_id}"


class HealthMeasure(models.Model):
    """One weighted metric of a health model: reaching ``target`` over the last
    12 months earns its full weight, less earns its share."""

    model = models.ForeignKey(
        HealthModel, on_delete=models.CASCADE, related_name="measures"
    )
    metric = models.CharField(_("metric"), max_length=48)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["model_id", "id"]
        verbose_name = _("health measure")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "metric"], name="metrics_health_measure_once"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1), name="metrics_health_weight_pos"
            ),
            models.CheckConstraint(
                condition=models.Q(target__gt=0), name="metrics_health_target_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} x{self.weight} (target {self.target})"


class PartnerHealth(PartnerOwnedModel):
    """A partner's health score in a programme at one moment, with its reasons.
    A change of score adds a row (the trend); the newest has ``is_current``."""

    enrolment = models.ForeignKey(
        "programs.Enrolment", on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    # [{metric, label, weight, target, value, points, reason}]
    breakdown = models.JSONField(_("breakdown"), default=list)
    is_at_risk = models.BooleanField(_("at risk"), default=False)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("partner health")
        indexes = [
            models.Index(
                fields=["enrolment", "-computed_at"], name="metrics_health_history"
            ),
            models.Index(
                fields=["is_current", "is_at_risk", "score"],
                name="metrics_health_at_risk",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=models.Q(is_current=True),
                name="metrics_one_current_health",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100),
                name="metrics_health_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.score}"
