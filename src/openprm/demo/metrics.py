"""A year of partner performance for the demo: historical deals (won, lost,
approved), revenue, sign-ins and downloads written in bulk (they are the past,
announced by no event), then the rollups computed once by the set-based rebuild,
and a tier evaluation whose recommendations are left in every state.

Deterministic (a seeded generator) and quick: a few thousand rows, one rebuild.
"""

import datetime
import logging
import math
import random
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from openprm.content.choices import ActivityKind
from openprm.content.models import Asset, ContentActivity
from openprm.deals import conflicts
from openprm.deals.choices import DealStatus, StageKind
from openprm.deals.models import Deal, DealRevenue, Stage
from openprm.deals.services import customer_columns
from openprm.metrics import health, tiers
from openprm.metrics import services as metrics_services
from openprm.metrics.models import (
    RebuildRun,
    RecommendationStatus,
    SignIn,
    TierRecommendation,
)
from openprm.metrics.selectors import add_months
from openprm.partners.models import Partner
from openprm.tenancy.models import Membership

MONTHS = 12
HISTORY_TITLE = "History: "
# Half the deals are won, a quarter lost, a quarter still open.
OUTCOMES = [DealStatus.WON, DealStatus.WON, DealStatus.LOST, DealStatus.APPROVED]
STAGE_OF = {DealStatus.WON: StageKind.WON, DealStatus.LOST: StageKind.LOST}


# A partner sells at the level of its tier (1 = the programme's first): deals a
# month (drawn from low to high) and the deal size's multiplier. A year at level 1
# wins about 3 deals and 100,000; level 2 12 and 450,000; level 3 15 and 1,400,000;
# level 4 21 and 3,300,000: each level sits between its Reseller tier's won
# revenue threshold and the next one's (demo.programs).
DEALS_PER_MONTH = {1: (0, 1), 2: (1, 3), 3: (1, 4), 4: (2, 5)}
DEAL_SIZE = {1: Decimal(1), 2: Decimal("1.2"), 3: Decimal(3), 4: Decimal(5)}
# Partners selling a level above their tier (promotions) or below it (demotions).
OUTPERFORMING, UNDERPERFORMING = 0.15, 0.15
# Whatever the draw, at least this many enrolled partners sell below their tier,
# and as many above it.
AT_LEAST_MOVING = 2
# The metrics a demoted partner can make up by winning deals today (the demo's
# recovery), and the size of such a deal when only their number is short.
RECOVERABLE = ("won_revenue", "deals_won_12m")
RECOVERY_DEAL_AMOUNT = 20_000


def _levels(partners: list, rng: random.Random) -> dict[int, int]:
    """Each partner's selling level: its tier's rank, one up or down for a few
    (drawn for every partner so that a re-run draws the same); 2 when not
    enrolled. However the draw falls, a few enrolled partners sell below their
    tier and a few above it, so that even a small demo has demotions and
    promotions to decide."""
    from openprm.programs.models import Enrolment, Tier

    enrolments = list(
        Enrolment.objects.filter(status="active")
        .order_by("partner_id", "id")
        .values_list("partner_id", "tier__rank", "programme_id")
    )
    ranks = {partner_id: rank for partner_id, rank, _ in enrolments}
    programme_of = {partner_id: programme for partner_id, _, programme in enrolments}
    top_rank = dict(
        Tier.objects.values("programme_id")
        .annotate(top=Max("rank"))
        .values_list("programme_id", "top")
    )
    levels = {}
    for partner in partners:
        roll = rng.random()
        level = ranks.get(partner.pk, 2)
        if roll < OUTPERFORMING:
            level += 1
        elif roll > 1 - UNDERPERFORMING:
            level -= 1
        levels[partner.pk] = min(max(level, 1), 4)
    enrolled = [partner.pk for partner in partners if partner.pk in ranks]
    demotable = [pk for pk in enrolled if ranks[pk] > 1]
    promotable = [pk for pk in enrolled if ranks[pk] < top_rank[programme_of[pk]]]
    for candidates, step in ((demotable, -1), (promotable, 1)):
        moved = [pk for pk in candidates if levels[pk] - ranks[pk] == step]
        steady = [pk for pk in candidates if levels[pk] == ranks[pk]]
        for pk in steady[: max(0, AT_LEAST_MOVING - len(moved))]:
            levels[pk] = min(max(ranks[pk] + step, 1), 4)
    return levels


def _moment(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def build_demo_metrics(*, actor, seed: int = 17) -> int:
    """Returns how many historical facts were written (0 when already there)."""
    if Deal.objects.filter(title__startswith=HISTORY_TITLE).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    first = add_months(today.replace(day=1), 1 - MONTHS)
    partners = list(Partner.objects.filter(status="active").order_by("name", "id"))
    stages = {stage.kind: stage for stage in Stage.objects.order_by("order")}
    members: dict[int, list[int]] = {}
    for partner_id, user_id in Membership.objects.filter(is_active=True).values_list(
        "partner_id", "user_id"
    ):
        members.setdefault(partner_id, []).append(user_id)
    asset = Asset.objects.order_by("id").first()
    deals, outcomes, sign_ins, downloads = [], [], [], []
    levels = _levels(partners, rng)
    for partner in partners:
        strength = levels[partner.pk]
        low, high = DEALS_PER_MONTH[strength]
        for offset in range(MONTHS):
            month = add_months(first, offset)
            last_day = (add_months(month, 1) - datetime.timedelta(days=1)).day
            for number in range(rng.randint(low, high)):
                day = month.replace(day=rng.randint(1, last_day))
                if day > today:
                    day = today
                name = f"{partner.name} account {offset:02d}{number}"
                normalised = conflicts.normalise_name(name)
                status = rng.choice(
                    [
                        DealStatus.WON,
                        DealStatus.WON,
                        DealStatus.LOST,
                        DealStatus.APPROVED,
                    ]
                )
                amount = Decimal(
                    rng.randrange(4_000, 60_000, 500) * DEAL_SIZE[strength]
                ).quantize(Decimal(1))
                submitted = _moment(day, 9)
                closed = submitted + datetime.timedelta(days=rng.randint(5, 40))
                if closed.date() > today:
                    status, closed = DealStatus.APPROVED, None
                deals.append(
                    Deal(
                        partner=partner,
                        title=f"{HISTORY_TITLE}{name}",
                        customer_name=name,
                        customer_key=conflicts.customer_key(
                            domain="", normalised=normalised
                        ),
                        **customer_columns(name=name),
                        currency="EUR",
                        total_amount=amount,
                        expected_close_date=day + datetime.timedelta(days=45),
                        stage=stages[
                            {
                                DealStatus.WON: StageKind.WON,
                                DealStatus.LOST: StageKind.LOST,
                            }.get(status, StageKind.OPEN)
                        ],
                        status=status,
                        submitted_at=submitted,
                        decided_at=submitted + datetime.timedelta(days=1),
                        closed_at=closed if status != DealStatus.APPROVED else None,
                    )
                )
                outcomes.append((status, amount, closed))
            people = members.get(partner.pk, [])
            for user_id in people:
                for _visit in range(rng.randint(0, 3 + strength)):
                    day = month.replace(day=rng.randint(1, last_day))
                    if day <= today:
                        sign_ins.append(
                            SignIn(
                                partner=partner,
                                user_id=user_id,
                                occurred_at=_moment(day, rng.randint(7, 18)),
                            )
                        )
                        if asset is not None and rng.random() < 0.4:
                            downloads.append(
                                ContentActivity(
                                    partner=partner,
                                    user_id=user_id,
                                    kind=ActivityKind.DOWNLOAD,
                                    asset=asset,
                                    occurred_at=_moment(day, 19),
                                )
                            )
    Deal.objects.bulk_create(deals, batch_size=500)
    DealRevenue.objects.bulk_create(
        [
            DealRevenue(
                partner_id=deal.partner_id,
                deal=deal,
                amount=amount,
                currency="EUR",
                won_on=closed.date(),
            )
            for deal, (status, amount, closed) in zip(deals, outcomes, strict=True)
            if status == DealStatus.WON
        ],
        batch_size=500,
    )
    SignIn.objects.bulk_create(sign_ins, batch_size=1000)
    ContentActivity.objects.bulk_create(downloads, batch_size=1000)
    # The first computation finds every cell "missing": not drift to report (nor
    # to log: seed-demo prints only the logins).
    rollups_logger = logging.getLogger("openprm.metrics.rollups")
    level = rollups_logger.level
    rollups_logger.setLevel(logging.ERROR)
    try:
        metrics_services.rollups_rebuild(first_day=first, last_day=today)
    finally:
        rollups_logger.setLevel(level)
    # The nightly window is then checked once, as the sweep would (no drift).
    RebuildRun.objects.all().delete()
    metrics_services.rollups_rebuild()
    _recommendations(actor=actor)
    _health_scores(actor=actor)
    return len(deals) + len(sign_ins) + len(downloads)


# Every programme's health score in the demo: revenue weighs most.
HEALTH_MEASURES = [
    {"metric": "won_revenue", "weight": 3, "target": "50000"},
    {"metric": "win_rate", "weight": 1, "target": "60"},
]


def _health_scores(*, actor) -> None:
    """A health model per programme, and the first computation (some partners
    fall below the at-risk line, so the channel managers' homes show them)."""
    from openprm.programs.models import Programme

    for programme in Programme.objects.order_by("id"):
        health.health_model_set(
            actor=actor,
            programme=programme,
            at_risk_below=Decimal("50"),
            alert_drop=Decimal("15"),
            measures=HEALTH_MEASURES,
        )
    health.health_compute()


def _recommendations(*, actor) -> None:
    """Evaluate every partner, then leave recommendations in every state: a
    demotion approved (waiting out its grace period), a promotion approved (so
    applied), one rejected, one withdrawn (the partner won a deal that lifted it
    back before anyone decided), the rest pending."""
    tiers.tiers_evaluate(actor=actor)
    pending = list(
        TierRecommendation.objects.filter(status=RecommendationStatus.PENDING)
        .select_related("enrolment")
        .order_by("direction", "id")
    )
    demotions = [item for item in pending if item.direction == "demote"]
    promotions = [item for item in pending if item.direction == "promote"]
    # Short of won revenue or won deals alone: more won deals bring it back.
    recoverable = [
        item
        for item in demotions[1:]
        if {row["metric"] for row in item.results if row["outcome"] == "not_met"}
        <= set(RECOVERABLE)
    ]
    if recoverable:
        _recover(actor=actor, recommendation=recoverable[-1])
    if len(demotions) >= 2:
        tiers.recommendation_decide(
            actor=actor, recommendation=demotions[0], approve=True, note="Demo"
        )
    if len(promotions) >= 2:
        tiers.recommendation_decide(
            actor=actor, recommendation=promotions[0], approve=True, note="Demo"
        )
        tiers.recommendation_decide(
            actor=actor, recommendation=promotions[-1], approve=False, note="Demo"
        )


def _recover(*, actor, recommendation) -> None:
    """The partner of a pending demotion wins, today, the deals it was short of
    (at least one), together a tenth above the revenue it missed; the evaluation
    then withdraws the demotion."""
    left = {
        row["metric"]: Decimal(row["left"])
        for row in recommendation.results
        if row["outcome"] == "not_met" and row["left"]
    }
    partner = recommendation.enrolment.partner
    today = timezone.localdate()
    stage = Stage.objects.filter(kind=StageKind.WON).order_by("order").first()
    count = max(1, math.ceil(left.get("deals_won_12m", 0)))
    revenue = left.get("won_revenue", Decimal(RECOVERY_DEAL_AMOUNT * count))
    amount = (revenue * Decimal("1.1") / count).quantize(Decimal(1))
    for number in range(1, count + 1):
        name = f"{partner.name} recovery {number}"
        deal = Deal.objects.create(
            partner=partner,
            title=f"{HISTORY_TITLE}{name}",
            customer_name=name,
            customer_key=conflicts.customer_key(
                domain="", normalised=conflicts.normalise_name(name)
            ),
            **customer_columns(name=name),
            currency="EUR",
            total_amount=amount,
            expected_close_date=today,
            stage=stage,
            status=DealStatus.WON,
            submitted_at=_moment(today, 8),
            decided_at=_moment(today, 8),
            closed_at=_moment(today, 8),
        )
        DealRevenue.objects.create(
            partner_id=partner.pk,
            deal=deal,
            amount=amount,
            currency="EUR",
            won_on=today,
        )
    # The deals are the past written directly (no event): their day is recomputed,
    # quietly and without keeping the run, as the first computation is.
    rollups_logger = logging.getLogger("openprm.metrics.rollups")
    level = rollups_logger.level
    rollups_logger.setLevel(logging.ERROR)
    try:
        metrics_services.rollups_rebuild(first_day=today, last_day=today).delete()
    finally:
        rollups_logger.setLevel(level)
    tiers.tiers_evaluate(actor=actor, enrolment_ids=[recommendation.enrolment_id])
