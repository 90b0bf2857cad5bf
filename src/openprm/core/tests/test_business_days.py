from datetime import date, datetime

import pytest

from openprm.core.business_days import add_business_days, is_business_day

FRIDAY_3PM = datetime(2026, 11, 27, 15, 0)


def test_weekends_are_skipped():
    assert add_business_days(FRIDAY_3PM, 2, country="") == datetime(2026, 12, 1, 15, 0)


def test_zero_days_from_a_saturday_is_monday():
    saturday = datetime(2026, 11, 28, 9, 30)
    assert add_business_days(saturday, 0, country="") == datetime(2026, 11, 30, 9, 30)


def test_public_holidays_of_the_configured_country_are_skipped():
    christmas_eve = datetime(2026, 12, 24, 10, 0)  # a Thursday
    assert is_business_day(date(2026, 12, 25), country="GB") is False
    # Friday 25 (Christmas), the weekend and Monday 28 (Boxing Day observed) are
    # skipped in Great Britain; with weekends only, Friday is the next business day.
    assert add_business_days(christmas_eve, 1, country="GB") == datetime(
        2026, 12, 29, 10, 0
    )
    assert add_business_days(christmas_eve, 1, country="") == datetime(
        2026, 12, 25, 10, 0
    )


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_business_days(FRIDAY_3PM, -1, country="")
