import datetime
import logging

import pytest

from openprm.metrics import rollups, services
from openprm.metrics.models import DailyValue, MonthlyValue
from openprm.metrics.tests.factories import activity, ecosystem

pytestmark = pytest.mark.django_db(transaction=False)

FIRST = datetime.date(2026, 3, 28)
LAST = datetime.date(2026, 4, 4)


def _daily():
    return set(DailyValue.objects.values_list("partner_id", "day", "series", "value"))


def _monthly():
    return set(
        MonthlyValue.objects.values_list("partner_id", "month", "series", "value")
    )


@pytest.fixture
def maintained(django_capture_on_commit_callbacks):
    """Rollups kept only by the outbox subscriber, over generated activity that
    crosses a month end."""
    partners = ecosystem()
    with django_capture_on_commit_callbacks(execute=True):
        activity(partners=partners, first_day=FIRST, days=8)
    return partners


def test_the_subscriber_keeps_every_kind_of_series(maintained):
    series = {row[2] for row in _daily()}
    assert {
        "won_revenue",
        "deals_won",
        "deals_lost",
        "pipeline_registered",
        "deals_submitted",
        "deals_approved",
        "leads_answered",
        "leads_accepted",
        "leads_converted",
        "sign_ins",
        "active_users",
        "content_downloads",
        "lead_accept_h1",
        "lead_accept_h8",
        "reported_sales",
        "points_earned",
        "points_redeemed",
        "funds_allocated",
        "funds_claimed",
        "fund_attributed_won",
        "certifications_earned",
    } <= series
    # States held over the month: kept per month only.
    held = {row[2] for row in _monthly()} - series
    assert held == {"certified_people", "accreditations_held"}


def test_a_rollup_rebuilt_from_scratch_equals_the_maintained_one(maintained):
    daily, monthly = _daily(), _monthly()
    assert len(daily) > 100

    DailyValue.objects.all().delete()
    MonthlyValue.objects.all().delete()
    run = rollups.rebuild(first_day=FIRST, last_day=LAST)

    assert _daily() == daily
    assert _monthly() == monthly
    assert run.drifted == len(daily)  # from nothing, every cell was missing


def test_a_rebuild_of_maintained_rollups_finds_no_drift(maintained):
    daily = _daily()

    run = services.rollups_rebuild(first_day=FIRST, last_day=LAST)

    assert (run.drifted, run.sample) == (0, [])
    assert run.cells == len(daily)
    assert _daily() == daily


def test_drift_is_reported_logged_and_repaired(maintained, caplog):
    daily = _daily()
    cell = DailyValue.objects.filter(series="won_revenue").order_by("id").first()
    DailyValue.objects.filter(pk=cell.pk).update(value=cell.value + 5)

    with caplog.at_level(logging.WARNING, logger="openprm.metrics.rollups"):
        run = rollups.rebuild(first_day=FIRST, last_day=LAST)

    assert run.drifted == 1
    assert run.sample == [
        {
            "partner": cell.partner_id,
            "day": cell.day.isoformat(),
            "series": "won_revenue",
            "stored": str((cell.value + 5).quantize(cell.value)),
            "recomputed": str(cell.value),
        }
    ]
    assert "Metric rollups drifted: 1 cells" in caplog.text
    assert _daily() == daily
