"""Access policies of the metrics (see openprm.testing.authz).

Every vendor role reads the dashboard and a partner's figures (the unassigned
channel manager gets 404 for a partner outside its scope); partner admins and
salespeople read their own organisation's, and a distributor with downstream
visibility the partners beneath it; vendor admins see and start rebuilds.
"""

from django.utils import timezone

from openprm.metrics import permissions
from openprm.programs import permissions as programme_permissions
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    gated,
    owned,
    partner_area,
    vendor,
)

API = "api:{method} /api/v1{path}"

POLICIES = [
    Policy("web:console:metrics_dashboard", vendor(rule=permissions.DASHBOARD)),
    Policy("web:console:metrics_rebuilds", vendor(rule=permissions.ADMIN)),
    Policy(
        "web:console:metrics_rebuild_start",
        vendor(rule=permissions.ADMIN),
        method="POST",
    ),
    Policy(
        API.format(method="GET", path="/metrics/catalogue"),
        gated(rule=permissions.READ),
    ),
    Policy(
        API.format(method="GET", path="/partners/{partner_id}/metrics"),
        owned(rule=permissions.READ),
        make=lambda world: world.owner,
        kwargs=lambda partner: {"partner_id": partner.public_id},
    ),
    Policy(
        API.format(method="GET", path="/metrics/rebuilds"),
        vendor(rule=permissions.ADMIN),
    ),
]


def _reviewer_in_scope(actor: str):
    """A console action on world.owner's record: reviewers in scope (the
    unassigned channel manager gets 404); other vendor roles and partners 403."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    if actor in VENDOR_ACTORS and VENDOR_ACTORS[actor] in permissions.REVIEW.vendor:
        return ALLOW
    return FORBID


def _recommendation(world):
    from openprm.metrics.models import TierRecommendation
    from openprm.programs.tests.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(partner=world.owner)
    tiers = list(enrolment.programme.tiers.order_by("rank"))
    return TierRecommendation.objects.create(
        partner=world.owner,
        enrolment=enrolment,
        from_tier=tiers[0],
        to_tier=tiers[-1],
        direction="promote",
        effective_at=timezone.now(),
    )


POLICIES += [
    Policy("web:console:tier_recommendations", vendor(rule=permissions.REVIEW)),
    Policy(
        "web:console:tier_recommendation_decide",
        _reviewer_in_scope,
        method="POST",
        make=_recommendation,
        kwargs=lambda item: {"public_id": item.public_id},
        data=lambda item: {"decision": "reject"},
    ),
    Policy(
        "web:console:tiers_evaluate",
        vendor(rule=permissions.EVALUATE),
        method="POST",
        happened=lambda obj: True,
    ),
]

POLICIES += [
    Policy("web:portal:tier_progress", partner_area()),
    Policy("web:portal:tier_progress_page", partner_area()),
]


def _gold_requirement(world):
    """A requirement on world.owner's programme, for the simulator."""
    from openprm.programs.tests.factories import (
        EnrolmentFactory,
        TierRequirementFactory,
    )

    enrolment = EnrolmentFactory(partner=world.owner)
    return TierRequirementFactory(
        tier=enrolment.programme.tiers.get(rank=1), metric="won_revenue", threshold=1
    )


# Who defines programmes (vendor admins) simulates edited requirements; the page
# saves thresholds only with its Save button.
SIMULATE = vendor(rule=programme_permissions.DEFINE)

POLICIES += [
    Policy(
        "web:console:programme_tier_simulate",
        SIMULATE,
        make=_gold_requirement,
        kwargs=lambda item: {
            "public_id": item.tier.programme.public_id,
            "tier_id": item.tier_id,
        },
    ),
    Policy(
        API.format(method="POST", path="/programmes/{programme_id}/simulations"),
        SIMULATE,
        make=_gold_requirement,
        kwargs=lambda item: {"programme_id": item.tier.programme.public_id},
        data=lambda item: {"requirements": [{"id": item.pk, "threshold": "5"}]},
        # A simulation writes nothing by design: a 200 is all it does.
        happened=lambda item: True,
    ),
]

POLICIES += [
    Policy(
        API.format(method="GET", path="/tier-recommendations"),
        vendor(rule=permissions.REVIEW),
    ),
    *[
        Policy(
            API.format(
                method="POST",
                path=f"/tier-recommendations/{{recommendation_id}}/{decision}",
            ),
            _reviewer_in_scope,
            make=_recommendation,
            kwargs=lambda item: {"recommendation_id": item.public_id},
            data=lambda item: {"note": "Checked"},
        )
        for decision in ("approve", "reject")
    ],
    Policy(
        API.format(method="POST", path="/tier-evaluations"),
        vendor(rule=permissions.EVALUATE),
        data=lambda obj: {},
        happened=lambda obj: True,
    ),
]


def _health_model(world):
    """A health model on world.owner's programme."""
    from openprm.metrics.models import HealthMeasure, HealthModel
    from openprm.programs.tests.factories import EnrolmentFactory

    enrolment = EnrolmentFactory(partner=world.owner)
    model = HealthModel.objects.create(programme=enrolment.programme)
    HealthMeasure.objects.create(model=model, metric="won_revenue", target=1000)
    return model


# Every vendor role reads the at-risk list (in its scope); who defines programmes
# sets their health score; a partner's scores are read like its figures.
POLICIES += [
    Policy("web:console:health_at_risk", vendor(rule=permissions.DASHBOARD)),
    Policy(
        "web:console:programme_health_model",
        SIMULATE,
        make=_health_model,
        kwargs=lambda model: {"public_id": model.programme.public_id},
    ),
    Policy(
        API.format(method="GET", path="/partners/{partner_id}/health"),
        owned(rule=permissions.READ),
        make=lambda world: world.owner,
        kwargs=lambda partner: {"partner_id": partner.public_id},
    ),
    Policy(
        API.format(method="GET", path="/health/at-risk"),
        vendor(rule=permissions.DASHBOARD),
    ),
    Policy(
        API.format(method="GET", path="/programmes/{programme_id}/health-model"),
        SIMULATE,
        make=_health_model,
        kwargs=lambda model: {"programme_id": model.programme.public_id},
    ),
    Policy(
        API.format(method="PUT", path="/programmes/{programme_id}/health-model"),
        SIMULATE,
        make=_health_model,
        kwargs=lambda model: {"programme_id": model.programme.public_id},
        data=lambda model: {
            "at_risk_below": "40",
            "measures": [{"metric": "won_revenue", "weight": 1, "target": "5"}],
        },
    ),
]
