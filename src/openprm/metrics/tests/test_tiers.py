import datetime

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import InvalidTransition, PermissionDenied
from openprm.core.models import OutboxEvent
from openprm.metrics import tiers
from openprm.metrics.models import RecommendationStatus, TierRecommendation
from openprm.metrics.tests.factories import frozen
from openprm.metrics.tests.test_api import figures
from openprm.notifications.models import Notification
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import Enrolment, TierChange
from openprm.programs.tests.factories import (
    EnrolmentFactory,
)
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def enrol(programme, rank, won):
    partner = PartnerFactory()
    figures(partner, won_revenue=str(won), deals_won="1")
    return EnrolmentFactory(
        partner=partner, programme=programme, tier=programme.tiers.get(rank=rank)
    )


def test_an_evaluation_recommends_promote_keep_and_demote_with_reasons(programme):
    up = enrol(programme, 1, 2000)
    keep = enrol(programme, 2, 1500)
    down = enrol(programme, 2, 300)

    counts = tiers.tiers_evaluate()

    assert counts == {"promote": 1, "keep": 1, "demote": 1}
    promote = TierRecommendation.objects.get(enrolment=up)
    assert (promote.direction, promote.to_tier.name) == ("promote", "Gold")
    demote = TierRecommendation.objects.get(enrolment=down)
    assert (demote.direction, demote.to_tier.name) == ("demote", "Silver")
    assert demote.results == [
        {
            "metric": "won_revenue",
            "operator": ">=",
            "threshold": "1000.00",
            "value": "300.00",
            "outcome": "not_met",
            "reason": "Won revenue, last 12 months is 300: at least 1,000 is not met.",
            "left": "700.00",
        }
    ]
    assert demote.effective_at - demote.evaluated_at == datetime.timedelta(days=30)
    assert not TierRecommendation.objects.filter(enrolment=keep).exists()
    assert OutboxEvent.objects.filter(name="tier.recommended").count() == 2


def test_a_second_evaluation_keeps_one_open_recommendation(programme):
    enrol(programme, 2, 300)

    tiers.tiers_evaluate()
    tiers.tiers_evaluate()

    assert TierRecommendation.objects.count() == 1


def test_an_unchanged_recommendation_is_not_written_again(
    programme, django_assert_num_queries
):
    enrol(programme, 2, 300)
    tiers.tiers_evaluate()
    stamp = TierRecommendation.objects.get().updated_at

    # Enrolments, tiers, requirements, the rollup, certified people,
    # accreditations, scorecard scores, open recommendations (and the savepoint
    # of the service's transaction and its release): reads only.
    with django_assert_num_queries(10) as captured:
        tiers.tiers_evaluate()

    assert [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ] == []
    assert TierRecommendation.objects.get().updated_at == stamp


def test_an_open_recommendation_follows_changed_figures(programme):
    down = enrol(programme, 2, 300)
    tiers.tiers_evaluate()
    figures(down.partner, won_revenue="400")

    tiers.tiers_evaluate()

    assert TierRecommendation.objects.get().results[0]["value"] == "400.00"


def test_a_partner_that_recovers_during_grace_has_its_demotion_withdrawn(programme):
    down = enrol(programme, 2, 300)
    tiers.tiers_evaluate()
    figures(down.partner, won_revenue="1200")

    tiers.tiers_evaluate()

    assert TierRecommendation.objects.get().status == RecommendationStatus.WITHDRAWN


def test_an_approved_demotion_waits_for_the_grace_period_then_applies(
    programme, reviewer, django_capture_on_commit_callbacks
):
    down = enrol(programme, 2, 300)
    admin = partner_user(partner=down.partner, roles=["partner_admin"])
    tiers.tiers_evaluate()
    item = TierRecommendation.objects.get()

    tiers.recommendation_decide(actor=reviewer, recommendation=item, approve=True)
    assert tiers.recommendations_apply_due() == 0
    assert Enrolment.objects.get(pk=down.pk).tier.name == "Gold"

    with frozen(timezone.now() + datetime.timedelta(days=31)):
        assert tiers.recommendations_apply_due() == 1

    assert Enrolment.objects.get(pk=down.pk).tier.name == "Silver"
    change = TierChange.objects.get(enrolment=down, to_tier__name="Silver")
    assert "at least 1,000 is not met" in change.reason
    assert change.changed_by == reviewer
    assert TierRecommendation.objects.get().status == RecommendationStatus.APPLIED
    assert OutboxEvent.objects.filter(name="tier.changed").count() == 1
    assert (
        Notification.objects.filter(recipient=admin, kind="tier.changed").count() == 1
    )


def test_an_approved_promotion_applies_at_once(programme, reviewer):
    up = enrol(programme, 1, 2000)
    tiers.tiers_evaluate()

    tiers.recommendation_decide(
        actor=reviewer, recommendation=TierRecommendation.objects.get(), approve=True
    )

    assert Enrolment.objects.get(pk=up.pk).tier.name == "Gold"


def test_a_rejected_recommendation_changes_no_tier_and_cannot_be_decided_again(
    programme, reviewer
):
    up = enrol(programme, 1, 2000)
    tiers.tiers_evaluate()
    item = TierRecommendation.objects.get()
    tiers.recommendation_decide(actor=reviewer, recommendation=item, approve=False)

    with pytest.raises(InvalidTransition):
        tiers.recommendation_decide(actor=reviewer, recommendation=item, approve=True)
    assert Enrolment.objects.get(pk=up.pk).tier.name == "Silver"


def test_an_analyst_may_not_decide(programme):
    enrol(programme, 1, 2000)
    tiers.tiers_evaluate()
    before = OutboxEvent.objects.count()

    with pytest.raises(PermissionDenied):
        tiers.recommendation_decide(
            actor=VendorUserFactory(vendor_role="analyst"),
            recommendation=TierRecommendation.objects.get(),
            approve=True,
        )
    assert TierRecommendation.objects.get().status == "pending"
    assert OutboxEvent.objects.count() == before


def test_the_api_lists_evaluates_and_decides_recommendations(
    client, programme, reviewer, django_assert_num_queries
):
    up = enrol(programme, 1, 2000)
    down = enrol(programme, 2, 300)
    client.force_login(reviewer)

    counts = client.post("/api/v1/tier-evaluations", content_type="application/json")
    assert counts.json() == {"promote": 1, "keep": 0, "demote": 1}
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/tier-recommendations?status=pending")
    items = {item["partner_name"]: item for item in listed.json()["items"]}
    assert items[down.partner.name]["direction"] == "demote"
    assert items[down.partner.name]["results"][0]["outcome"] == "not_met"

    approved = client.post(
        f"/api/v1/tier-recommendations/{items[up.partner.name]['id']}/approve",
        {"note": "Well done"},
        content_type="application/json",
    )
    rejected = client.post(
        f"/api/v1/tier-recommendations/{items[down.partner.name]['id']}/reject",
        {},
        content_type="application/json",
    )
    again = client.post(
        f"/api/v1/tier-recommendations/{items[down.partner.name]['id']}/approve",
        {},
        content_type="application/json",
    )

    assert approved.json()["status"] == "applied"
    assert approved.json()["note"] == "Well done"
    assert rejected.json()["status"] == "rejected"
    assert again.status_code == 409
    up.refresh_from_db()
    down.refresh_from_db()
    assert (up.tier.name, down.tier.name) == ("Gold", "Gold")


def test_evaluations_read_the_figures_of_every_measuring_app(db):
    """Tier evaluations and simulations read every registered provider: the
    rollups (certified people among them) and the scorecard score."""
    from openprm.certifications.tests.factories import UserCertificationFactory
    from openprm.metrics import requirements, rollups
    from openprm.scoring.models import PartnerScore, Scorecard

    held = UserCertificationFactory()
    rollups.refresh(partner_ids=[held.partner_id], days=[timezone.localdate()])
    PartnerScore.objects.create(
        partner_id=held.partner_id, scorecard=Scorecard.objects.create(), score=70
    )

    values = requirements.evaluation_values([held.partner_id])

    assert values[held.partner_id]["certified_people"] == 1
    assert values[held.partner_id]["scorecard_score"] == 70
