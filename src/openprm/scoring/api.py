"""REST endpoints of scorecards, their criteria, rankings, scores and score runs.

Vendor staff read (scores within their partner scope); vendor admins write. Partner
users are refused: scores are the vendor's own assessment of its channel.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Query, Schema
from ninja.responses import Status
from pydantic import Field

from openprm.core.api import ApiRouter, StrictSchema, as_uuid, lookup
from openprm.partners.choices import PartnerStatus
from openprm.scoring import permissions, selectors, services
from openprm.scoring.choices import CriterionKind
from openprm.scoring.models import Criterion, PartnerScore, Scorecard, ScoreRun

router = ApiRouter(tags=["scorecards"])


# --- schemas


class ScorecardIn(StrictSchema):
    class Meta:
        model = Scorecard

    name: str
    description: str = ""
    applies_to_statuses: list[str] = []
    is_active: bool = True


class ScorecardPatch(StrictSchema):
    class Meta:
        model = Scorecard

    name: str | None = None
    description: str | None = None
    applies_to_statuses: list[str] | None = None
    is_active: bool | None = None


class CriterionIn(StrictSchema):
    class Meta:
        model = Criterion

    label: str
    field: str
    kind: CriterionKind
    weight: int = 1
    config: dict[str, Any]


class CriterionPatch(StrictSchema):
    class Meta:
        model = Criterion

    label: str | None = None
    field: str | None = None
    kind: CriterionKind | None = None
    weight: int | None = None
    config: dict[str, Any] | None = None


class CriterionOut(Schema):
    id: int
    label: str
    field: str
    kind: str
    weight: int
    config: dict[str, Any]


class ScorecardOut(Schema):
    id: UUID
    name: str
    description: str
    is_active: bool
    applies_to_statuses: list[str]
    criteria: list[CriterionOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Scorecard) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_criteria(obj: Scorecard) -> list:
        return list(obj.criteria.all())


class BreakdownLine(Schema):
    criterion: int | None
    label: str
    weight: int
    points: int
    contribution: Decimal
    reason: str


class RankedPartnerOut(Schema):
    partner: UUID
    partner_name: str
    status: str
    score: Decimal
    computed_at: datetime

    @staticmethod
    def resolve_partner(obj: PartnerScore) -> UUID:
        return obj.partner.public_id

    @staticmethod
    def resolve_partner_name(obj: PartnerScore) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_status(obj: PartnerScore) -> str:
        return obj.partner.status


class PartnerScoreOut(Schema):
    scorecard: UUID
    scorecard_name: str
    score: Decimal
    computed_at: datetime
    breakdown: list[BreakdownLine]

    @staticmethod
    def resolve_scorecard(obj: PartnerScore) -> UUID:
        return obj.scorecard.public_id

    @staticmethod
    def resolve_scorecard_name(obj: PartnerScore) -> str:
        return obj.scorecard.name


class ScoreRunOut(Schema):
    id: UUID
    total: int
    done: int
    changed: int
    percent: int
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: ScoreRun) -> UUID:
        return obj.public_id


# --- lookups


def _scorecard(request, scorecard_id: str) -> Scorecard:
    return selectors.scorecard_get(user=request.user, public_id=as_uuid(scorecard_id))


def _definable_scorecard(request, scorecard_id: str) -> Scorecard:
    """403 for anyone but a vendor admin, before any lookup."""
    return lookup(
        request,
        selectors.scorecard_get,
        rule=permissions.DEFINE,
        public_id=as_uuid(scorecard_id),
    )


# --- scorecards


@router.list("/scorecards", response=ScorecardOut, summary="List scorecards")
def scorecard_list(request):
    """By name, with their criteria. Vendor staff only."""
    permissions.READ.ensure(request.user)
    return selectors.scorecard_list_visible_to(user=request.user)


@router.post("/scorecards", response={201: ScorecardOut}, summary="Create a scorecard")
def scorecard_create(request, payload: ScorecardIn):
    """``applies_to_statuses`` limits the partners scored (e.g. ``["prospect"]``);
    empty scores every partner."""
    scorecard = services.scorecard_create(actor=request.user, **payload.model_dump())
    return Status(201, _scorecard(request, str(scorecard.public_id)))


# Before /scorecards/{scorecard_id}, which would otherwise take the path.
@router.post(
    "/scorecards/recompute",
    response={202: ScoreRunOut},
    summary="Recompute every partner's scores in the background",
)
def score_run_create(request):
    """Returns the run; follow its progress at ``/score-runs/{id}``."""
    run = services.score_run_start(actor=request.user)
    run.refresh_from_db()
    return Status(202, run)


@router.get(
    "/scorecards/{scorecard_id}",
    response=ScorecardOut,
    summary="Get a scorecard with its criteria",
)
def scorecard_get(request, scorecard_id: str):
    return _scorecard(request, scorecard_id)


@router.patch(
    "/scorecards/{scorecard_id}",
    response=ScorecardOut,
    summary="Change (or deactivate) a scorecard",
)
def scorecard_update(request, scorecard_id: str, payload: ScorecardPatch):
    """Only the fields sent change; ``is_active: false`` deactivates it."""
    scorecard = services.scorecard_update(
        actor=request.user,
        scorecard=_definable_scorecard(request, scorecard_id),
        **payload.model_dump(exclude_unset=True),
    )
    return _scorecard(request, str(scorecard.public_id))


@router.post(
    "/scorecards/{scorecard_id}/criteria",
    response={201: CriterionOut},
    summary="Add a criterion to a scorecard",
)
def criterion_create(request, scorecard_id: str, payload: CriterionIn):
    """``field`` is a profile field or ``custom:<key>``; ``config`` by ``kind``:
    ``value_in_list`` and ``contains_any`` ``{"values": [{"value", "points"}]}``,
    ``range_bands`` ``{"bands": [{"min", "max", "points"}]}``, ``is_true``
    ``{"points"}``; points are 0-100."""
    criterion = services.criterion_create(
        actor=request.user,
        scorecard=_definable_scorecard(request, scorecard_id),
        **payload.model_dump(),
    )
    return Status(201, criterion)


@router.patch(
    "/scorecards/{scorecard_id}/criteria/{criterion_id}",
    response=CriterionOut,
    summary="Change a criterion",
)
def criterion_update(
    request, scorecard_id: str, criterion_id: int, payload: CriterionPatch
):
    scorecard = _definable_scorecard(request, scorecard_id)
    return services.criterion_update(
        actor=request.user,
        criterion=selectors.criterion_get(
            scorecard=scorecard, criterion_id=criterion_id
        ),
        **payload.model_dump(exclude_unset=True),
    )


@router.delete(
    "/scorecards/{scorecard_id}/criteria/{criterion_id}",
    response={204: None},
    summary="Remove a criterion",
)
def criterion_delete(request, scorecard_id: str, criterion_id: int):
    scorecard = _definable_scorecard(request, scorecard_id)
    services.criterion_delete(
        actor=request.user,
        criterion=selectors.criterion_get(
            scorecard=scorecard, criterion_id=criterion_id
        ),
    )
    return Status(204, None)


class RankingFilters(Schema):
    status: PartnerStatus | None = None
    sort: Literal["-score", "score", "name", "-name"] = "-score"
    min_score: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    max_score: Annotated[Decimal, Field(ge=0, le=100)] | None = None


@router.list(
    "/scorecards/{scorecard_id}/ranking",
    response=RankedPartnerOut,
    summary="Partners ranked by their current score",
)
def scorecard_ranking(request, scorecard_id: str, filters: Query[RankingFilters]):
    """Best first (``sort``: ``-score``, ``score``, ``name``, ``-name``), within the
    caller's partner scope; ``status`` filters, e.g. ``prospect`` to rank by fit;
    ``min_score`` and ``max_score`` (0-100, inclusive) keep the scores between. An
    unknown query parameter is a 422."""
    return selectors.ranking(
        user=request.user,
        scorecard=_scorecard(request, scorecard_id),
        status=filters.status or "",
        sort=filters.sort,
        min_score=filters.min_score,
        max_score=filters.max_score,
    )


# --- runs


@router.get(
    "/score-runs/{run_id}",
    response=ScoreRunOut,
    summary="Get a score run's progress",
)
def score_run_get(request, run_id: str):
    return selectors.score_run_get(user=request.user, public_id=as_uuid(run_id))


# --- a partner's scores


@router.get(
    "/partners/{public_id}/scores",
    response=list[PartnerScoreOut],
    summary="A partner's current scores with their reasons",
)
def partner_scores(request, public_id: str):
    """A list, not paged: the current score on each scorecard (configuration)."""
    partner = selectors.partner_for_scores(
        user=request.user, public_id=as_uuid(public_id)
    )
    return selectors.partner_current_scores(user=request.user, partner=partner)
