"""When a scheduled report goes out next (``reports.schedule``)."""

import datetime

from django.utils import timezone

from openprm.reports.schedule import next_run_after


def at(year, month, day, hour=0, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def test_weekly_goes_out_on_the_next_chosen_weekday_at_six():
    wednesday = at(2026, 12, 2, 9)

    assert next_run_after(wednesday, frequency="weekly", weekday=4) == at(
        2026, 12, 4, 6
    )  # that Friday


def test_weekly_on_the_same_weekday_before_six_goes_out_that_morning():
    assert next_run_after(at(2026, 12, 7, 5, 59), frequency="weekly", weekday=0) == at(
        2026, 12, 7, 6
    )


def test_weekly_on_the_same_weekday_at_or_after_six_waits_a_week():
    assert next_run_after(at(2026, 12, 7, 6), frequency="weekly", weekday=0) == at(
        2026, 12, 14, 6
    )


def test_weekly_crosses_the_year_end():
    assert next_run_after(at(2026, 12, 30, 12), frequency="weekly", weekday=0) == at(
        2027, 1, 4, 6
    )


def test_monthly_goes_out_on_the_chosen_day_this_month_when_still_ahead():
    assert next_run_after(
        at(2026, 3, 2, 12), frequency="monthly", day_of_month=15
    ) == at(2026, 3, 15, 6)


def test_monthly_after_the_day_goes_to_next_month():
    assert next_run_after(
        at(2026, 3, 15, 6), frequency="monthly", day_of_month=15
    ) == at(2026, 4, 15, 6)


def test_monthly_on_the_31st_uses_the_last_day_of_a_shorter_month():
    assert next_run_after(
        at(2026, 1, 31, 7), frequency="monthly", day_of_month=31
    ) == at(2026, 2, 28, 6)
    assert next_run_after(at(2028, 2, 1), frequency="monthly", day_of_month=31) == at(
        2028, 2, 29, 6
    )  # a leap year
    assert next_run_after(at(2026, 4, 1), frequency="monthly", day_of_month=31) == at(
        2026, 4, 30, 6
    )


def test_monthly_in_december_goes_to_january():
    assert next_run_after(at(2026, 12, 20), frequency="monthly", day_of_month=1) == at(
        2027, 1, 1, 6
    )


def test_the_sending_time_is_in_the_sites_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    with timezone.override("Europe/Berlin"):
        found = next_run_after(at(2026, 6, 30, 12), frequency="monthly", day_of_month=1)
    assert found == datetime.datetime(2026, 7, 1, 4, 0, tzinfo=datetime.UTC)
