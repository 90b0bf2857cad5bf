import datetime

from openprm.funds import periods


def test_calendar_fiscal_year_has_calendar_quarters():
    quarters = periods.quarters(2027, first_month=1)

    assert [(q.starts_on, q.ends_on) for q in quarters] == [
        (datetime.date(2027, 1, 1), datetime.date(2027, 3, 31)),
        (datetime.date(2027, 4, 1), datetime.date(2027, 6, 30)),
        (datetime.date(2027, 7, 1), datetime.date(2027, 9, 30)),
        (datetime.date(2027, 10, 1), datetime.date(2027, 12, 31)),
    ]


def test_fiscal_year_starting_in_july_ends_in_the_year_of_its_name():
    quarters = periods.quarters(2027, first_month=7)

    assert quarters[0].starts_on == datetime.date(2026, 7, 1)
    assert quarters[2].starts_on == datetime.date(2027, 1, 1)
    assert quarters[3].ends_on == datetime.date(2027, 6, 30)
    assert quarters[1].name == "FY2027 Q2"


def test_fiscal_year_of_a_day():
    assert periods.fiscal_year_of(datetime.date(2026, 8, 3), first_month=7) == 2027
    assert periods.fiscal_year_of(datetime.date(2026, 6, 30), first_month=7) == 2026
    assert periods.fiscal_year_of(datetime.date(2026, 6, 30), first_month=1) == 2026
