"""Demo data of programmes: Reseller, Referral and MSP with tiers, requirements and
benefits, and the active demo partners enrolled in them with some tier history.

The Reseller and MSP tiers ask for won deal revenue and deals won (every demo
partner wins deals, at the level ``demo.metrics`` generates for its tier; only a
few report sales, have certified people or more than one active portal user), so
the first evaluation keeps most partners where they are.

Deterministic (``random.Random(2026)``) and safe to run twice: existing programmes
(by slug) and active enrolments are kept as they are.
"""

import random
from dataclasses import dataclass, field

from django.db import transaction

from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.programs import services
from openprm.programs.choices import EnrolmentStatus
from openprm.programs.models import Enrolment, Programme

SEED = 2026


@dataclass(frozen=True)
class DemoTier:
    name: str
    requirements: list[tuple[str, str, str]] = field(default_factory=list)
    benefits: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    name: str
    description: str
    eligible_partner_types: list[str]
    tiers: list[DemoTier]


DEMO_PROGRAMMES = [
    DemoProgramme(
        "reseller",
        "Reseller",
        "For partners who resell and implement the vendor's products.",
        ["reseller", "system_integrator", "distributor"],
        [
            DemoTier("Registered", [], {"discount_percent": "5"}),
            DemoTier(
                "Silver",
                [("won_revenue", ">=", "200000"), ("deals_won_12m", ">=", "5")],
                {"discount_percent": "10", "deal_protection_days": 60},
            ),
            DemoTier(
                "Gold",
                [
                    ("won_revenue", ">=", "900000"),
                    ("deals_won_12m", ">=", "10"),
                ],
                {
                    "discount_percent": "15",
                    "deal_protection_days": 90,
                    "fund_eligible": True,
                    "points_multiplier": "1.5",
                },
            ),
            DemoTier(
                "Platinum",
                [
                    ("won_revenue", ">=", "2400000"),
                    ("deals_won_12m", ">=", "15"),
                ],
                {
                    "discount_percent": "22",
                    "deal_protection_days": 120,
                    "fund_eligible": True,
                    "points_multiplier": "2",
                    "content_access": "Platinum playbooks and roadmap briefings",
                },
            ),
        ],
    ),
    DemoProgramme(
        "referral",
        "Referral",
        "For partners who introduce customers without reselling.",
        ["referral", "agency", "isv"],
        [
            DemoTier("Registered", [], {"discount_percent": "0"}),
            DemoTier(
                "Preferred",
                [("deals_won_12m", ">=", "5")],
                {"points_multiplier": "1.25", "deal_protection_days": 45},
            ),
        ],
    ),
    DemoProgramme(
        "msp",
        "Managed service provider",
        "For partners who run the vendor's products as a service.",
        ["msp"],
        [
            DemoTier("Member", [], {"discount_percent": "8"}),
            DemoTier(
                "Advanced",
                [("won_revenue", ">=", "150000"), ("scorecard_score", ">=", "50")],
                {"discount_percent": "14", "fund_eligible": True},
            ),
            DemoTier(
                "Elite",
                [("won_revenue", ">=", "900000"), ("scorecard_score", ">=", "50")],
                {
                    "discount_percent": "20",
                    "fund_eligible": True,
                    "content_access": "MSP operations toolkit",
                },
            ),
        ],
    ),
]

PROMOTION_REASONS = [
    "Reached the sales target for the year",
    "Two more engineers certified",
    "Strong pipeline and joint wins",
]
DEMOTION_REASONS = ["Sales below the tier threshold", "Certifications lapsed"]


def _programme(*, actor, spec: DemoProgramme) -> Programme:
    existing = Programme.objects.filter(slug=spec.slug).first()
    if existing is not None:
        return existing
    programme = services.programme_create(
        actor=actor,
        name=spec.name,
        slug=spec.slug,
        description=spec.description,
        eligible_partner_types=spec.eligible_partner_types,
    )
    for rank, tier_spec in enumerate(spec.tiers, start=1):
        tier = services.tier_create(
            actor=actor, programme=programme, name=tier_spec.name, rank=rank
        )
        for metric, operator, threshold in tier_spec.requirements:
            services.tier_requirement_create(
                actor=actor,
                tier=tier,
                metric=metric,
                operator=operator,
                threshold=threshold,
            )
        for kind, value in tier_spec.benefits.items():
            services.tier_benefit_set(actor=actor, tier=tier, kind=kind, value=value)
    return programme


@transaction.atomic
def build_demo_programs(*, actor) -> list[Programme]:
    """The demo programmes, and every active demo partner enrolled in the one its
    type fits, by ``actor`` (a vendor admin)."""
    rng = random.Random(SEED)
    programmes = [_programme(actor=actor, spec=spec) for spec in DEMO_PROGRAMMES]
    partners = Partner.objects.filter(status=PartnerStatus.ACTIVE).order_by(
        "name", "id"
    )
    enrolled = set(
        Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE).values_list(
            "partner_id", "programme_id"
        )
    )
    for partner in partners:
        programme = next(
            (
                item
                for item in programmes
                if partner.partner_type in item.eligible_partner_types
            ),
            None,
        )
        # Draw for every partner, enrolled or not, so a re-run draws the same.
        tiers = list(programme.tiers.order_by("rank")) if programme else []
        target = rng.choice(tiers) if tiers else None
        roll = rng.random()
        if programme is None or (partner.pk, programme.pk) in enrolled:
            continue
        start = target
        if target.rank > 1 and roll < 0.5:
            start = tiers[target.rank - 2]  # promoted later from the tier below
        elif target.rank < len(tiers) and roll > 0.85:
            start = tiers[target.rank]  # demoted later from the tier above
        enrolment = services.enrolment_create(
            actor=actor, partner=partner, programme=programme, tier=start
        )
        if start != target:
            reasons = (
                PROMOTION_REASONS if start.rank < target.rank else DEMOTION_REASONS
            )
            services.enrolment_change_tier(
                actor=actor,
                enrolment=enrolment,
                tier=target,
                reason=rng.choice(reasons),
            )
    return programmes
