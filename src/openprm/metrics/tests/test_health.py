"""Health scores: the weighted judgement, their computation from the rollups with
history and alerts, the model's definition, and the pages and API that show them."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.metrics import health, healthscore
from openprm.metrics.healthscore import Measure
from openprm.metrics.models import HealthModel, PartnerHealth
from openprm.metrics.tests.test_api import figures
from openprm.notifications.models import Notification
from openprm.notifications.services import notification_preference_set
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

MEASURES = [
    {"metric": "won_revenue", "weight": 3, "target": "10000"},
    {"metric": "win_rate", "weight": 1, "target": "50"},
]


@pytest.fixture
def admin():
    return VendorUserFactory(vendor_role="vendor_admin")


@pytest.fixture
def manager():
    return VendorUserFactory(email="cm@vendor.example", vendor_role="channel_manager")


@pytest.fixture
def programme(admin):
    programme = programme_with_tiers("Silver", "Gold", name="Reseller")
    health.health_model_set(
        actor=admin,
        programme=programme,
        at_risk_below=Decimal("50"),
        alert_drop=Decimal("15"),
        measures=MEASURES,
    )
    return programme


def enrolled(programme, name, manager=None, **values):
    partner = PartnerFactory(name=name, channel_manager=manager)
    if values:
        figures(partner, **values)
    return EnrolmentFactory(partner=partner, programme=programme)


def current(enrolment) -> PartnerHealth:
    return PartnerHealth.objects.get(enrolment=enrolment, is_current=True)


# --- the judgement


def test_each_metric_earns_its_weight_times_the_share_of_its_target_reached():
    score, rows = healthscore.score(
        [Measure("won_revenue", 3, Decimal("10000")), Measure("win_rate", 1, 50)],
        {"won_revenue": Decimal("5000"), "win_rate": Decimal("80")},
    )

    # 3 x 0.5 + 1 x 1 (capped) = 2.5 of 4
    assert score == Decimal("62.50")
    assert [row["points"] for row in rows] == ["1.50", "1.00"]
    assert rows[0]["reason"] == (
        "Won revenue is 5,000.00 EUR of a target of 10,000.00 EUR."
    )


def test_a_metric_without_a_figure_earns_nothing_and_says_so():
    score, rows = healthscore.score(
        [Measure("won_revenue", 1, Decimal("100")), Measure("win_rate", 1, 50)],
        {"won_revenue": Decimal("100"), "win_rate": None},
    )

    assert score == Decimal("50.00")
    assert rows[1]["points"] == "0.00"
    assert rows[1]["reason"] == "Win rate: no figure yet."


@pytest.mark.parametrize(
    ("previous", "now", "alerts"),
    [
        (None, "40", True),  # first score already below the line
        ("60", "45", True),  # falls below the line
        ("45", "40", False),  # stays below: told once
        ("90", "70", True),  # a drop of 20 points
        ("90", "80", False),  # a drop of 10: not enough
        ("40", "70", False),  # a rise
    ],
)
def test_an_alert_is_due_on_falling_below_the_line_or_a_large_drop(
    previous, now, alerts
):
    reason = healthscore.alert_reason(
        previous=None if previous is None else Decimal(previous),
        current=Decimal(now),
        at_risk_below=Decimal("50"),
        alert_drop=Decimal("15"),
    )

    assert bool(reason) is alerts


# --- computing


def test_computing_scores_every_enrolled_partner_from_the_rollups(programme):
    strong = enrolled(programme, "Strong", won_revenue="10000", deals_won="1")
    weak = enrolled(programme, "Weak", won_revenue="2000", deals_won="1")

    counts = health.health_compute()

    assert counts == {"scored": 2, "changed": 2, "alerted": 0}
    assert current(strong).score == Decimal("100.00")
    assert current(weak).score == Decimal("40.00")  # (3 x 0.2 + 1) / 4
    assert current(weak).is_at_risk is True
    assert current(strong).is_at_risk is False
    events = OutboxEvent.objects.filter(name="partner.health_changed")
    assert sorted(event.payload["score"] for event in events) == ["100.00", "40.00"]


def test_an_unchanged_score_adds_no_history_and_a_changed_one_does(programme):
    enrolment = enrolled(programme, "Acme", won_revenue="10000", deals_won="1")
    health.health_compute()

    assert health.health_compute()["changed"] == 0
    figures(enrolment.partner, won_revenue="5000", deals_won="1")
    assert health.health_compute()["changed"] == 1

    history = PartnerHealth.objects.filter(enrolment=enrolment).order_by("id")
    assert [(row.score, row.is_current) for row in history] == [
        (Decimal("100.00"), False),
        (Decimal("62.50"), True),
    ]
    assert OutboxEvent.objects.filter(name="partner.health_changed").count() == 2
    changed = OutboxEvent.objects.filter(name="partner.health_changed").order_by("id")
    assert changed.last().payload["previous"] == "100.00"


def test_a_fall_below_the_line_tells_the_channel_manager_once(
    programme, manager, django_capture_on_commit_callbacks
):
    enrolment = enrolled(
        programme, "Acme", manager=manager, won_revenue="10000", deals_won="1"
    )
    health.health_compute()

    with django_capture_on_commit_callbacks(execute=True):
        figures(enrolment.partner, won_revenue="1000", deals_won="1")
        health.health_compute()
        figures(enrolment.partner, won_revenue="500", deals_won="1")
        health.health_compute()  # still below: no second alert

    [notice] = Notification.objects.filter(kind="partner.at_risk")
    assert notice.recipient == manager
    assert notice.subject == "Acme is at risk"
    assert "below 50" in notice.body
    assert [email.subject for email in mail.outbox] == ["Acme is at risk"]
    assert mail.outbox[0].to == ["cm@vendor.example"]


def test_a_manager_who_switched_the_email_off_is_told_in_the_app_only(
    programme, manager, django_capture_on_commit_callbacks
):
    notification_preference_set(
        user=manager, kind="partner.at_risk", email_enabled=False
    )
    enrolled(programme, "Acme", manager=manager, won_revenue="100", deals_won="1")

    with django_capture_on_commit_callbacks(execute=True):
        assert health.health_compute()["alerted"] == 1

    assert Notification.objects.filter(kind="partner.at_risk").count() == 1
    assert mail.outbox == []


def test_a_partner_without_a_channel_manager_is_at_risk_but_tells_nobody(programme):
    enrolment = enrolled(programme, "Acme", won_revenue="100", deals_won="1")

    assert health.health_compute()["alerted"] == 0

    assert current(enrolment).is_at_risk is True
    assert not Notification.objects.filter(kind="partner.at_risk").exists()


def test_computing_reads_in_bulk_and_writes_one_event_per_changed_score(
    programme, django_assert_num_queries
):
    partners = [
        enrolled(programme, f"P{number}", won_revenue="100", deals_won="1").partner
        for number in range(3)
    ]
    health.health_compute()
    # 10: the measuring apps' figures include the scorecard score (one query).
    with django_assert_num_queries(10) as unchanged:
        health.health_compute()
    for partner in partners:
        figures(partner, won_revenue="9000")

    # the old rows' flag, the new rows, then one outbox event per change
    with django_assert_num_queries(len(unchanged.captured_queries) + 2 + 3):
        assert health.health_compute()["changed"] == 3


# --- the model


def test_a_model_names_metrics_of_the_catalogue_and_a_refusal_changes_nothing(
    programme, admin
):
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        health.health_model_set(
            actor=admin,
            programme=programme,
            at_risk_below=Decimal("50"),
            alert_drop=Decimal("15"),
            measures=[
                {"metric": "won_revenue", "weight": 1, "target": "1"},
                {"metric": "happiness", "weight": 1, "target": "1"},
            ],
        )

    assert refused.value.field_errors == {
        "measures.1.metric": ["Choose a metric of the catalogue."]
    }
    model = HealthModel.objects.get(programme=programme)
    assert [item.metric for item in model.measures.all()] == [
        "won_revenue",
        "win_rate",
    ]
    assert AuditEntry.objects.count() == audits


def test_only_a_programme_definer_sets_the_model(programme):
    analyst = VendorUserFactory(vendor_role="analyst")

    with pytest.raises(PermissionDenied):
        health.health_model_set(
            actor=analyst,
            programme=programme,
            at_risk_below=Decimal("10"),
            alert_drop=Decimal("15"),
            measures=MEASURES,
        )

    assert HealthModel.objects.get(programme=programme).at_risk_below == 50


# --- pages and API


@pytest.fixture
def scored(programme, manager):
    low = enrolled(programme, "Lowly", manager=manager, won_revenue="100")
    high = enrolled(programme, "Highly", won_revenue="20000", deals_won="4")
    other = enrolled(programme, "Elsewhere", won_revenue="50")
    health.health_compute()
    return low, high, other


def test_the_channel_manager_sees_only_their_partners_at_risk(
    client, scored, manager, django_assert_num_queries
):
    client.force_login(manager)
    client.get("/console/insights/health/")  # warm the navigation and session

    with django_assert_num_queries(4):
        page = client.get("/console/insights/health/").content.decode()

    assert "Lowly" in page
    assert "Elsewhere" not in page  # not theirs
    assert "Highly" not in page
    assert "Won revenue is" in page  # the target missed


def test_the_console_home_counts_the_partners_at_risk(client, scored, manager):
    client.force_login(manager)

    page = client.get("/console/").content.decode()

    assert "Partners at risk" in page


def test_the_partner_page_and_the_portal_show_the_score_with_its_trend(
    client, scored, manager
):
    low, _high, _other = scored
    figures(low.partner, won_revenue="9000", deals_won="1")
    health.health_compute()
    client.force_login(manager)

    page = client.get(f"/console/partners/{low.partner.public_id}/").content.decode()

    assert 'data-testid="section-health"' in page
    assert "Trend:" in page
    client.force_login(partner_user(partner=low.partner, roles=["partner_admin"]))
    card = client.get("/portal/tier/progress/").content.decode()
    assert "Your health score" in card
    assert "Won revenue is" in card


def test_the_api_sets_the_model_and_reads_scores_and_the_at_risk_list(
    client, scored, admin, django_assert_num_queries
):
    low, _high, _other = scored
    client.force_login(admin)
    programme = low.programme

    refused = client.put(
        f"/api/v1/programmes/{programme.public_id}/health-model",
        {"measures": [{"metric": "nope", "weight": 1, "target": "1"}]},
        content_type="application/json",
    )
    saved = client.put(
        f"/api/v1/programmes/{programme.public_id}/health-model",
        {
            "at_risk_below": "30",
            "measures": [{"metric": "won_revenue", "weight": 2, "target": "500"}],
        },
        content_type="application/json",
    )
    read = client.get(f"/api/v1/programmes/{programme.public_id}/health-model")
    with django_assert_num_queries(4):
        at_risk = client.get("/api/v1/health/at-risk")
    mine = client.get(f"/api/v1/partners/{low.partner.public_id}/health")

    assert refused.status_code == 422
    assert "measures.0.metric" in str(refused.json())
    assert saved.status_code == 200
    assert read.json() == {
        "at_risk_below": "30.00",
        "alert_drop": "15.00",
        "measures": [{"metric": "won_revenue", "weight": 2, "target": "500.00"}],
    }
    assert [item["partner_name"] for item in at_risk.json()["items"]] == [
        "Elsewhere",
        "Lowly",
    ]
    [score] = mine.json()
    assert score["score"] == "0.75"  # the old model's: the sweep recomputes
    assert score["is_at_risk"] is True
    assert score["trend"][0]["score"] == "0.75"
    assert score["change"] is None


def test_a_partner_reads_its_own_health_and_not_another_s(client, scored):
    low, high, _other = scored
    client.force_login(partner_user(partner=low.partner, roles=["partner_admin"]))

    own = client.get(f"/api/v1/partners/{low.partner.public_id}/health")
    other = client.get(f"/api/v1/partners/{high.partner.public_id}/health")

    assert own.status_code == 200
    assert other.status_code == 404


def test_scores_are_kept_with_the_time_they_were_computed(programme):
    enrolment = enrolled(programme, "Acme", won_revenue="100")
    moment = timezone.now().replace(microsecond=0)

    health.health_compute(now=moment)

    assert current(enrolment).computed_at == moment
