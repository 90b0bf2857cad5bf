import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.metrics import simulation
from openprm.metrics.models import TierRecommendation
from openprm.metrics.selectors import add_months
from openprm.metrics.tests.test_api import THIS_MONTH, figures
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import TierRequirement
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierRequirementFactory,
    programme_with_tiers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(reviewer):
    return reviewer


def enrol(programme, name, rank, won, month=THIS_MONTH):
    partner = PartnerFactory(name=name)
    figures(partner, month=month, won_revenue=str(won), deals_won="1")
    return EnrolmentFactory(
        partner=partner, programme=programme, tier=programme.tiers.get(rank=rank)
    )


def gold_revenue(programme):
    return TierRequirement.objects.get(tier__programme=programme, tier__rank=2)


@pytest.fixture
def partners(programme):
    return [
        enrol(programme, "Acme", 2, 1500),
        enrol(programme, "Bolt", 2, 2500),
        enrol(programme, "Cora", 2, 1800),
        enrol(programme, "Dyna", 2, 900),  # demoted today already
        enrol(programme, "Echo", 1, 1200),  # promoted today
    ]


def test_a_raised_gold_threshold_shows_exactly_who_would_be_demoted_and_why(
    programme, partners, admin
):
    requirement = gold_revenue(programme)

    found = simulation.simulate(
        user=admin,
        programme=programme,
        thresholds={requirement.pk: Decimal("2000")},
    )

    assert found.evaluated == 5
    assert found.today == {"promote": 1, "keep": 3, "demote": 1}
    assert found.simulated == {"promote": 0, "keep": 2, "demote": 3}
    assert [move.partner.name for move in found.demoted] == ["Acme", "Cora"]
    assert [move.partner.name for move in found.moving_down] == [
        "Acme",
        "Cora",
        "Echo",
    ]
    assert found.moving_up == []
    acme = found.moves[0]
    assert (acme.today.direction, acme.today.to_tier.name) == ("keep", "Gold")
    assert (acme.simulated.direction, acme.simulated.to_tier.name) == (
        "demote",
        "Silver",
    )
    assert acme.differences == [
        {
            "metric": "won_revenue",
            "operator": ">=",
            "threshold": "2000",
            "value": "1500.00",
            "outcome": "not_met",
            "reason": "Won revenue, last 12 months is 1,500: at least 2,000 "
            "is not met.",
            "left": "500.00",
            "tier": "Gold",
            "threshold_today": "1000.00",
            "value_today": "1500.00",
            "outcome_today": "met",
        }
    ]
    echo = next(move for move in found.moves if move.partner.name == "Echo")
    assert (echo.today.direction, echo.simulated.direction) == ("promote", "keep")
    assert [row["outcome"] for row in echo.differences] == ["not_met"]


def test_simulating_saves_nothing(programme, partners, admin):
    requirement = gold_revenue(programme)
    audits, events = AuditEntry.objects.count(), OutboxEvent.objects.count()

    simulation.simulate(
        user=admin, programme=programme, thresholds={requirement.pk: Decimal("2000")}
    )

    requirement.refresh_from_db()
    assert requirement.threshold == Decimal("1000")
    assert not TierRecommendation.objects.exists()
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == (
        audits,
        events,
    )


def test_a_shorter_window_reads_only_its_months(programme, admin):
    old = add_months(THIS_MONTH, -3)
    enrol(programme, "Acme", 2, 1500, month=old)

    same = simulation.simulate(user=admin, programme=programme, thresholds={})
    short = simulation.simulate(
        user=admin, programme=programme, thresholds={}, months=2
    )

    assert same.moves == []
    assert [(move.partner.name, move.simulated.direction) for move in short.moves] == [
        ("Acme", "demote")
    ]
    assert short.moves[0].differences[0]["value"] == "0.00"


def test_a_requirement_of_another_programme_is_refused(programme, admin):
    other = programme_with_tiers("Bronze")
    foreign = TierRequirementFactory(tier=other.tiers.get())

    with pytest.raises(Exception) as error:
        simulation.simulate(
            user=admin, programme=programme, thresholds={foreign.pk: Decimal(1)}
        )
    assert "requirements" in error.value.field_errors


def test_only_who_defines_programmes_simulates(programme):
    manager = VendorUserFactory(vendor_role="channel_manager")
    with pytest.raises(PermissionDenied):
        simulation.simulate(user=manager, programme=programme, thresholds={})


def test_a_simulation_costs_the_same_queries_for_more_partners(programme, admin):
    requirement = gold_revenue(programme)
    for index in range(2):
        enrol(programme, f"P{index}", 2, 1500)

    def count():
        with CaptureQueriesContext(connection) as queries:
            simulation.simulate(
                user=admin,
                programme=programme,
                thresholds={requirement.pk: Decimal("2000")},
                months=6,
            )
        return len(queries)

    few = count()
    for index in range(6):
        enrol(programme, f"Q{index}", 1 + index % 3, 1000 * index)
    # The programme, its tiers and requirements, the enrolments, the rollups over
    # the edited window; every registered provider's figures (a few queries each).
    assert count() == few


def test_window_dates():
    assert add_months(datetime.date(2026, 1, 1), -1) == datetime.date(2025, 12, 1)


def page_url(programme):
    gold = programme.tiers.get(rank=2)
    return f"/console/programmes/{programme.public_id}/tiers/{gold.pk}/simulate/"


def test_the_page_previews_the_edited_form_with_htmx_then_saves(
    client, programme, partners, admin
):
    requirement = gold_revenue(programme)
    client.force_login(admin)
    url = page_url(programme)

    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="simulation-no-moves"' in page.text

    preview = client.post(
        url,
        {f"threshold_{requirement.pk}": "2000", "months": "12"},
        headers={"HX-Request": "true"},
    )
    assert preview.status_code == 200
    assert "<html" not in preview.text
    assert "Acme" in preview.text and "Cora" in preview.text
    assert "Bolt" not in preview.text
    assert "at least 2,000 is not met" in preview.text
    requirement.refresh_from_db()
    assert requirement.threshold == Decimal("1000")

    saved = client.post(
        url, {f"threshold_{requirement.pk}": "2000", "months": "12", "save": "1"}
    )
    assert saved.status_code == 302
    requirement.refresh_from_db()
    assert requirement.threshold == Decimal("2000")
    assert OutboxEvent.objects.filter(name="tier.requirement_changed").count() == 1


def test_a_bad_threshold_is_shown_and_nothing_is_saved(client, programme, admin):
    requirement = gold_revenue(programme)
    client.force_login(admin)

    preview = client.post(
        page_url(programme),
        {f"threshold_{requirement.pk}": "-5", "months": "99"},
        headers={"HX-Request": "true"},
    )
    assert 'data-testid="simulation-errors"' in preview.text
    client.post(
        page_url(programme),
        {f"threshold_{requirement.pk}": "abc", "months": "12", "save": "1"},
    )
    requirement.refresh_from_db()
    assert requirement.threshold == Decimal("1000")


def test_the_api_returns_the_moves_and_saves_nothing(
    client, programme, partners, admin, django_assert_num_queries
):
    requirement = gold_revenue(programme)
    client.force_login(admin)

    # 11, the certifications app's two figures (people, accreditations; the
    # rollups' replace them) and the scorecard score.
    with django_assert_num_queries(14):
        response = client.post(
            f"/api/v1/programmes/{programme.public_id}/simulations",
            {"requirements": [{"id": requirement.pk, "threshold": "2000"}]},
            content_type="application/json",
        )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["moving_down"], body["moving_up"]) == (3, 0)
    demoted = [m for m in body["moves"] if m["simulated"]["direction"] == "demote"]
    assert [(m["partner_name"], m["simulated"]["tier"]) for m in demoted] == [
        ("Acme", "Silver"),
        ("Cora", "Silver"),
    ]
    assert demoted[0]["today"] == {"direction": "keep", "tier": "Gold"}
    assert demoted[0]["differences"][0]["threshold_today"] == "1000.00"
    requirement.refresh_from_db()
    assert requirement.threshold == Decimal("1000")


def test_the_api_refuses_a_foreign_requirement_and_a_bad_window(
    client, programme, admin
):
    foreign = TierRequirementFactory(tier=programme_with_tiers("Bronze").tiers.get())
    client.force_login(admin)
    url = f"/api/v1/programmes/{programme.public_id}/simulations"

    unknown = client.post(
        url,
        {"requirements": [{"id": foreign.pk, "threshold": "1"}]},
        content_type="application/json",
    )
    window = client.post(url, {"months": 0}, content_type="application/json")

    assert unknown.status_code == 422
    assert "requirements" in unknown.text
    assert window.status_code == 422


def test_the_api_saves_a_threshold_after_simulating(client, programme, admin):
    requirement = gold_revenue(programme)
    client.force_login(admin)
    url = (
        f"/api/v1/programmes/{programme.public_id}/tiers/{requirement.tier_id}"
        f"/requirements/{requirement.pk}"
    )

    bad = client.patch(url, {"threshold": "-1"}, content_type="application/json")
    good = client.patch(url, {"threshold": "2000"}, content_type="application/json")

    assert bad.status_code == 422
    assert good.status_code == 200, good.text
    assert good.json()["threshold"] == "2000.00"
    requirement.refresh_from_db()
    assert requirement.threshold == Decimal("2000")
