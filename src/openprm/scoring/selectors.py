"""Reads of scorecards, scores and score runs, restricted to the user.

Scorecards and scores are the vendor's own assessment of its channel: vendor staff
read them (scores within their partner scope), vendor admins define them; partner
users are refused.
"""

from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from openprm.core.errors import NotFound
from openprm.partners.models import CustomFieldDefinition, Partner
from openprm.scoring import permissions
from openprm.scoring.models import Criterion, PartnerScore, Scorecard, ScoreRun

RANKING_SORTS = {
    "-score": ("-score", "partner__name", "partner_id"),
    "score": ("score", "partner__name", "partner_id"),
    "name": ("partner__name", "partner_id"),
    "-name": ("-partner__name", "-partner_id"),
}


def scorecard_list_visible_to(*, user) -> QuerySet[Scorecard]:
    if not permissions.READ.allows(user):
        return Scorecard.objects.none()
    return Scorecard.objects.prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("id"))
    ).order_by("name", "id")


def scorecard_get(*, user, public_id: UUID | str) -> Scorecard:
    permissions.READ.ensure(user)
    scorecard = scorecard_list_visible_to(user=user).filter(public_id=public_id).first()
    if scorecard is None:
        raise NotFound
    return scorecard


def criterion_get(*, scorecard: Scorecard, criterion_id: int) -> Criterion:
    criterion = Criterion.objects.filter(scorecard=scorecard, pk=criterion_id).first()
    if criterion is None:
        raise NotFound
    return criterion


def active_scorecards() -> list[Scorecard]:
    """Every active scorecard with its criteria (for recomputing, not for users)."""
    return list(
        Scorecard.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("id"))
        )
        .order_by("id")
    )


def custom_field_types() -> dict[str, str]:
    """Active custom fields by key, with their types (for validating criteria)."""
    return dict(
        CustomFieldDefinition.objects.filter(is_active=True).values_list(
            "key", "field_type"
        )
    )


def ranking(
    *,
    user,
    scorecard: Scorecard,
    status: str = "",
    sort: str = "-score",
    min_score: Decimal | None = None,
    max_score: Decimal | None = None,
) -> QuerySet[PartnerScore]:
    """The current scores of a scorecard within the user's partner scope, best
    first by default (one query on the ranking index); ``min_score`` and
    ``max_score`` keep the scores between them (inclusive)."""
    permissions.READ.ensure(user)
    scores = (
        PartnerScore.objects.visible_to(user)
        .filter(scorecard=scorecard, is_current=True)
        .select_related("partner")
    )
    if status:
        scores = scores.filter(partner__status=status)
    if min_score is not None:
        scores = scores.filter(score__gte=min_score)
    if max_score is not None:
        scores = scores.filter(score__lte=max_score)
    return scores.order_by(*RANKING_SORTS.get(sort, RANKING_SORTS["-score"]))


def score_bound(text: str | None) -> Decimal | None:
    """A ranking's score filter from a query string: a number from 0 to 100, or
    ``None`` for a missing or unreadable one (the page ignores it)."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() and 0 <= value <= 100 else None


def partner_for_scores(*, user, public_id: UUID | str) -> Partner:
    """A partner whose scores the user reads: 403 for non-staff, 404 out of scope."""
    permissions.READ.ensure(user)
    partner = Partner.objects.visible_to(user).filter(public_id=public_id).first()
    if partner is None:
        raise NotFound
    return partner


def partner_current_scores(*, user, partner: Partner) -> list[PartnerScore]:
    """A partner's current score on every scorecard, by scorecard name."""
    if not permissions.READ.allows(user):
        return []
    return list(
        PartnerScore.objects.visible_to(user)
        .filter(partner=partner, is_current=True)
        .select_related("scorecard")
        .order_by("scorecard__name", "scorecard_id")
    )


def partner_score_history(
    *, user, partner: Partner, scorecard: Scorecard | None = None
) -> QuerySet[PartnerScore]:
    permissions.READ.ensure(user)
    scores = PartnerScore.objects.visible_to(user).filter(partner=partner)
    if scorecard is not None:
        scores = scores.filter(scorecard=scorecard)
    return scores.select_related("scorecard").order_by("-computed_at", "-id")


def score_run_list(*, user) -> QuerySet[ScoreRun]:
    if not permissions.READ.allows(user):
        return ScoreRun.objects.none()
    return ScoreRun.objects.select_related("requested_by").order_by(
        "-created_at", "-id"
    )


def score_run_get(*, user, public_id: UUID | str) -> ScoreRun:
    permissions.READ.ensure(user)
    run = score_run_list(user=user).filter(public_id=public_id).first()
    if run is None:
        raise NotFound
    return run


def custom_field_definitions() -> list[CustomFieldDefinition]:
    """Active custom fields a criterion can read, for the console's choices."""
    return list(
        CustomFieldDefinition.objects.filter(is_active=True).order_by("ordering", "key")
    )
