"""The pure pipeline and forecast arithmetic (pipeline.figures), without a
database."""

import datetime
from decimal import Decimal

from openprm.currencies import money
from openprm.deals.pipeline import figures

D = datetime.date
STAGES = {
    1: figures.StageInfo(id=1, name="Qualification", probability=10, order=10),
    2: figures.StageInfo(id=2, name="Proposal", probability=40, order=20),
    3: figures.StageInfo(id=3, name="Negotiation", probability=70, order=30),
}
RATES = money.RateTable(
    "EUR",
    [
        ("USD", D(2026, 1, 1), Decimal("0.9000000000")),
        ("USD", D(2026, 4, 1), Decimal("0.8000000000")),
        ("GBP", D(2026, 1, 1), Decimal("1.1700000000")),
    ],
)


def row(stage, currency, minor, close, *, count=1, group=None):
    return figures.Aggregate(
        stage_id=stage,
        currency=currency,
        count=count,
        amount_minor=minor,
        first_close=close,
        last_close=close,
        group=group,
        month=close.replace(day=1),
    )


def test_amounts_are_converted_with_the_rate_of_the_close_date_and_weighted():
    converted = figures.convert(
        [
            row(2, "USD", 100_000, D(2026, 3, 31)),  # 1,000.00 USD at 0.90
            row(2, "USD", 100_000, D(2026, 4, 1)),  # 1,000.00 USD at 0.80
            row(3, "EUR", 33_333, D(2026, 4, 15)),  # 333.33 EUR
        ],
        stages=STAGES,
        rates=RATES,
    )

    lines = figures.by_stage(converted, STAGES.values())
    assert [(line.stage.name, line.figures) for line in lines] == [
        ("Qualification", figures.Figures(0, Decimal("0.00"), Decimal("0.00"))),
        ("Proposal", figures.Figures(2, Decimal("1700.00"), Decimal("680.00"))),
        # 333.33 x 70% = 233.331, rounded once at the end.
        ("Negotiation", figures.Figures(1, Decimal("333.33"), Decimal("233.33"))),
    ]
    assert figures.total(converted) == figures.Figures(
        3, Decimal("2033.33"), Decimal("913.33")
    )


def test_a_total_is_the_exact_sum_rounded_once():
    # Three deals of 0.05 EUR at 10%: 0.005 each. Rounded each, 0.01 x 3 = 0.03;
    # the exact total 0.015 rounds half up to 0.02.
    converted = figures.convert(
        [row(1, "EUR", 5, D(2026, 1, day)) for day in (5, 6, 7)],
        stages=STAGES,
        rates=RATES,
    )

    assert figures.total(converted).weighted == Decimal("0.02")


def test_a_currency_without_a_rate_is_reported_not_counted_as_zero():
    converted = figures.convert(
        [
            row(2, "JPY", 5_000_000, D(2026, 2, 1), count=2),
            row(2, "USD", 10_000, D(2025, 12, 31)),  # before the first USD rate
            row(2, "EUR", 10_000, D(2026, 2, 1)),
        ],
        stages=STAGES,
        rates=RATES,
    )

    assert not converted.is_complete
    assert figures.total(converted) == figures.Figures(
        1, Decimal("100.00"), Decimal("40.00")
    )
    assert converted.missing() == [
        figures.Unconverted(
            "JPY", 2, Decimal("50000.00"), D(2026, 2, 1), D(2026, 2, 1)
        ),
        figures.Unconverted(
            "USD", 1, Decimal("100.00"), D(2025, 12, 31), D(2025, 12, 31)
        ),
    ]


def test_the_forecast_by_month_lists_every_month_of_the_range():
    converted = figures.convert(
        [
            row(3, "EUR", 100_000, D(2026, 1, 20)),
            row(1, "EUR", 50_000, D(2026, 3, 2)),
        ],
        stages=STAGES,
        rates=RATES,
    )

    months = figures.by_month(converted, first=D(2025, 12, 15), last=D(2026, 4, 1))

    assert [
        (line.label, line.figures.count, line.figures.weighted) for line in months
    ] == [
        ("2025-12", 0, Decimal("0.00")),
        ("2026-01", 1, Decimal("700.00")),
        ("2026-02", 0, Decimal("0.00")),
        ("2026-03", 1, Decimal("50.00")),
        ("2026-04", 0, Decimal("0.00")),
    ]


def test_the_forecast_by_quarter_sums_its_months():
    converted = figures.convert(
        [
            row(3, "EUR", 100_000, D(2026, 1, 20)),
            row(1, "EUR", 50_000, D(2026, 3, 2)),
            row(2, "GBP", 100_000, D(2026, 11, 30)),
        ],
        stages=STAGES,
        rates=RATES,
    )

    quarters = figures.by_quarter(converted)

    assert [
        (line.label, line.start, line.figures.amount, line.figures.weighted)
        for line in quarters
    ] == [
        ("2026-Q1", D(2026, 1, 1), Decimal("1500.00"), Decimal("750.00")),
        ("2026-Q2", D(2026, 4, 1), Decimal("0.00"), Decimal("0.00")),
        ("2026-Q3", D(2026, 7, 1), Decimal("0.00"), Decimal("0.00")),
        ("2026-Q4", D(2026, 10, 1), Decimal("1170.00"), Decimal("468.00")),
    ]


def test_no_deals_and_no_range_is_an_empty_forecast():
    converted = figures.convert([], stages=STAGES, rates=RATES)

    assert figures.by_month(converted) == []
    assert figures.total(converted) == figures.Figures(0, Decimal(0), Decimal(0))


def test_groups_come_largest_weighted_first_with_their_unconverted_deals():
    converted = figures.convert(
        [
            row(1, "EUR", 100_000, D(2026, 1, 1), group="EMEA"),
            row(3, "EUR", 100_000, D(2026, 1, 1), group="NA"),
            row(3, "JPY", 100_000, D(2026, 1, 1), group="APAC"),
        ],
        stages=STAGES,
        rates=RATES,
    )

    lines = figures.by_group(converted)

    assert [(line.key, line.figures.weighted) for line in lines] == [
        ("NA", Decimal("700.00")),
        ("EMEA", Decimal("100.00")),
        ("APAC", Decimal("0.00")),
    ]
    assert [(item.currency, item.amount) for item in lines[2].unconverted] == [
        ("JPY", Decimal("1000.00"))
    ]


def test_won_revenue_counts_whole_with_the_rate_of_the_day_it_was_won():
    converted = figures.won(
        [
            row(figures.WON.id, "USD", 10_000, D(2026, 3, 31)),  # 0.9
            row(figures.WON.id, "USD", 10_000, D(2026, 4, 1)),  # 0.8
            row(figures.WON.id, "EUR", 33_333, D(2026, 4, 2), count=2),
            row(figures.WON.id, "CHF", 500, D(2026, 4, 2)),
        ],
        rates=RATES,
    )

    assert figures.total(converted) == figures.Figures(
        4, Decimal("503.33"), Decimal("503.33")
    )
    assert converted.missing() == [
        figures.Unconverted("CHF", 1, Decimal("5.00"), D(2026, 4, 2), D(2026, 4, 2))
    ]
