import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core.models import TimeStampedModel
from openprm.core.scoping import PartnerOwnedModel, PartnerOwnedQuerySet
from openprm.scoring.choices import CriterionKind


class Scorecard(TimeStampedModel):
    """A vendor's definition of a good partner: weighted criteria giving 0-100."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Partner statuses scored by this scorecard; empty means every status.
    applies_to_statuses = models.JSONField(
        _("applies to statuses"), default=list, blank=True
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("scorecard")

    def __str__(self) -> str:
        return self.name

    def applies_to(self, status: str) -> bool:
        return not self.applies_to_statuses or status in self.applies_to_statuses


class Criterion(TimeStampedModel):
    """One weighted rule of a scorecard over a profile field or a custom field."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="criteria"
    )
    label = models.CharField(_("label"), max_length=200)
    # A profile field of scorecards.PROFILE_FIELDS or "custom:<key>".
    field = models.CharField(_("field"), max_length=80)
    kind = models.CharField(_("kind"), max_length=16, choices=CriterionKind.choices)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    # Typed by kind, validated by scorecards.validate_config.
    config = models.JSONField(_("configuration"), default=dict)

    class Meta:
        ordering = ["scorecard_id", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CriterionKind.values),
                name="scoring_criterion_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1), name="scoring_criterion_weight_pos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard.name}: {self.label}"


class PartnerScore(PartnerOwnedModel):
    """A partner's score on a scorecard at one moment, with its reasons.

    Every change of score adds a row; the latest row has ``is_current``, so ranking
    a scorecard reads the (scorecard, is_current, score) index.
    """

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("partner"),
    )
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="scores"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    # [{criterion, label, weight, points, contribution, reason}]
    breakdown = models.JSONField(_("breakdown"), default=list)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    is_current = models.BooleanField(_("current"), default=True)

    objects = PartnerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("partner score")
        indexes = [
            models.Index(
                fields=["scorecard", "is_current", "-score", "partner"],
                name="scoring_ranking_idx",
            ),
            models.Index(
                fields=["partner", "scorecard", "-computed_at"],
                name="scoring_partner_history_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "scorecard"],
                condition=models.Q(is_current=True),
                name="scoring_one_current_score",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=100),
                name="scoring_score_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} on {self.scorecard_id}: {self.score}"


class ScoreRun(TimeStampedModel):
    """A bulk recompute of every partner's scores, with its progress."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    total = models.PositiveIntegerField(_("partners"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    changed = models.PositiveIntegerField(_("scores changed"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("score run")

    def __str__(self) -> str:
        return f"Score run {self.public_id}"

    @property
    def percent(self) -> int:
        if self.finished_at is not None:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None
