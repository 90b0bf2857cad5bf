"""Access policies of scorecards, rankings, scores and score runs.

Scorecards are the vendor's own assessment: every vendor role reads them, vendor
admins write them, partner users are refused (403). A partner's scores follow the
partner scope (the harness's channel manager has no partners: 404).
"""

from openprm.scoring import permissions
from openprm.scoring.services import partner_score_recompute
from openprm.scoring.tests.factories import (
    ScoreRunFactory,
    scorecard_with_criteria,
)
from openprm.testing.authz import HIDE, Policy, vendor

ADMIN = vendor(rule=permissions.DEFINE)
STAFF = vendor(rule=permissions.READ)


def staff_in_scope(actor: str):
    """The rule's roles on world.owner: the unassigned channel manager gets 404;
    every partner user 403."""
    if actor == "channel_manager":
        return HIDE
    return STAFF(actor)


def scorecard(world):
    card = scorecard_with_criteria()
    partner_score_recompute(partner=world.owner, scorecards=[card])
    return card


def criterion(world):
    return scorecard(world).criteria.order_by("id").first()


def run(world):
    return ScoreRunFactory()


def card_kwargs(obj):
    return {"public_id": obj.public_id}


def api_card(obj):
    return {"scorecard_id": obj.public_id}


def scorecard_form(obj):
    return {"name": "Fit", "applies_to_statuses": "prospect", "is_active": "on"}


def criterion_form(obj):
    return {
        "label": "Industries",
        "field": "industries",
        "kind": "contains_any",
        "weight": "1",
        "config": "finance = 50",
    }


CARDS = "api:{method} /api/v1/scorecards"

POLICIES = [
    # Console pages.
    Policy("web:console:scorecard_list", STAFF),
    Policy("web:console:scorecard_create", ADMIN, method="POST", data=scorecard_form),
    Policy("web:console:scorecard_detail", STAFF, make=scorecard, kwargs=card_kwargs),
    Policy(
        "web:console:scorecard_update",
        ADMIN,
        method="POST",
        make=scorecard,
        kwargs=card_kwargs,
        data=scorecard_form,
    ),
    Policy(
        "web:console:scorecard_criterion_create",
        ADMIN,
        method="POST",
        make=scorecard,
        kwargs=card_kwargs,
        data=criterion_form,
    ),
    Policy(
        "web:console:scorecard_criterion_update",
        ADMIN,
        method="POST",
        make=criterion,
        kwargs=lambda obj: {
            "public_id": obj.scorecard.public_id,
            "criterion_id": obj.pk,
        },
        data=criterion_form,
    ),
    Policy(
        "web:console:scorecard_criterion_delete",
        ADMIN,
        method="POST",
        make=criterion,
        kwargs=lambda obj: {
            "public_id": obj.scorecard.public_id,
            "criterion_id": obj.pk,
        },
        data=lambda obj: {},
    ),
    Policy("web:console:scorecard_ranking", STAFF, make=scorecard, kwargs=card_kwargs),
    Policy("web:console:score_run_start", ADMIN, method="POST", data=lambda obj: {}),
    Policy("web:console:score_run", STAFF, make=run, kwargs=card_kwargs),
    # API.
    Policy(CARDS.format(method="GET"), STAFF, make=scorecard),
    Policy(
        CARDS.format(method="POST"),
        ADMIN,
        data=lambda obj: {"name": "Fit", "applies_to_statuses": ["prospect"]},
    ),
    Policy(
        CARDS.format(method="GET") + "/{scorecard_id}",
        STAFF,
        make=scorecard,
        kwargs=api_card,
    ),
    Policy(
        CARDS.format(method="PATCH") + "/{scorecard_id}",
        ADMIN,
        make=scorecard,
        kwargs=api_card,
        data=lambda obj: {"description": "Changed"},
    ),
    Policy(
        CARDS.format(method="POST") + "/{scorecard_id}/criteria",
        ADMIN,
        make=scorecard,
        kwargs=api_card,
        data=lambda obj: {
            "label": "Industries",
            "field": "industries",
            "kind": "contains_any",
            "config": {"values": [{"value": "finance", "points": 50}]},
        },
    ),
    Policy(
        CARDS.format(method="PATCH") + "/{scorecard_id}/criteria/{criterion_id}",
        ADMIN,
        make=criterion,
        kwargs=lambda obj: {
            "scorecard_id": obj.scorecard.public_id,
            "criterion_id": obj.pk,
        },
        data=lambda obj: {"weight": 5},
    ),
    Policy(
        CARDS.format(method="DELETE") + "/{scorecard_id}/criteria/{criterion_id}",
        ADMIN,
        make=criterion,
        kwargs=lambda obj: {
            "scorecard_id": obj.scorecard.public_id,
            "criterion_id": obj.pk,
        },
    ),
    Policy(
        CARDS.format(method="GET") + "/{scorecard_id}/ranking",
        STAFF,
        make=scorecard,
        kwargs=api_card,
    ),
    Policy(CARDS.format(method="POST") + "/recompute", ADMIN, data=lambda obj: {}),
    Policy(
        "api:GET /api/v1/score-runs/{run_id}",
        STAFF,
        make=run,
        kwargs=lambda obj: {"run_id": obj.public_id},
    ),
    Policy(
        "api:GET /api/v1/partners/{public_id}/scores",
        staff_in_scope,
        make=lambda world: scorecard(world) and world.owner,
        kwargs=lambda obj: {"public_id": obj.public_id},
    ),
]
