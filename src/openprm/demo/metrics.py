"""A year of partner performance for the demo: historical deals (won, lost,
approved), revenue, sign-ins and downloads written in bulk (they are the past,
announced by no event), then the rollups computed once by the set-based rebuild,
and a tier evaluation whose recommendations are left in every state.

Deterministic (a seeded generator) and quick: a few thousand rows, one rebuild.
"""

import datetime
import logging
import random
from decimal import Decimal

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
    for rank, partner in enumerate(partners):
        strength = 1 + (len(partners) - rank) % 4  # some partners sell more
        for offset in range(MONTHS):
            month = add_months(first, offset)
            last_day = (add_months(month, 1) - datetime.timedelta(days=1)).day
            for number in range(rng.randint(1, 2 + strength)):
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
                amount = Decimal(rng.randrange(4_000, 60_000, 500) * strength)
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
    """Evaluate every partner, then leave one recommendation approved (a demotion
    waiting out its grace period when there is one) and one rejected."""
    tiers.tiers_evaluate(actor=actor)
    pending = list(
        TierRecommendation.objects.filter(status=RecommendationStatus.PENDING).order_by(
            "direction", "id"
        )
    )
    if len(pending) >= 3:
        tiers.recommendation_decide(
            actor=actor, recommendation=pending[0], approve=True, note="Demo"
        )
        tiers.recommendation_decide(
            actor=actor, recommendation=pending[-1], approve=False, note="Demo"
        )
