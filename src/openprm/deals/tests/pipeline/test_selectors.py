"""Pipeline and forecast read from the database: sums in SQL, exact figures, the
reader's scope, filters and missing rates."""

import datetime
from decimal import Decimal

import pytest

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import NotFound, PermissionDenied
from openprm.currencies.models import ExchangeRate
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.deals.choices import DealStatus
from openprm.deals.models import Deal, DealRevenue, Stage
from openprm.deals.pipeline.figures import Figures, Unconverted
from openprm.deals.pipeline.selectors import (
    GROUP_PARTNER,
    PipelineFilters,
    partner_won_revenue,
    pipeline_groups,
    pipeline_summary,
)
from openprm.deals.tests.factories import make_deal, seller
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

D = datetime.date
CLOSE = D(2026, 3, 15)


def stage(name: str) -> Stage:
    return Stage.objects.get(name=name)


def deal(partner, amount, *, currency="EUR", close=CLOSE, at="Proposal", **kw):
    made = make_deal(
        partner=partner,
        amount=Decimal(amount),
        expected_close_date=close,
        stage=stage(at),
        **kw,
    )
    if currency != "EUR":
        Deal.objects.filter(pk=made.pk).update(currency=currency)
    return made


@pytest.fixture
def rates():
    ExchangeRateFactory(currency="USD", rate=Decimal("0.9"), valid_from=D(2026, 1, 1))
    ExchangeRateFactory(currency="USD", rate=Decimal("0.8"), valid_from=D(2026, 3, 20))
    ExchangeRateFactory(
        currency="GBP", rate=Decimal("1.1712345678"), valid_from=D(2025, 1, 1)
    )


@pytest.fixture
def admin():
    return VendorUserFactory()


def figures(line):
    return (line.figures.count, line.figures.amount, line.figures.weighted)


def test_the_ecosystem_pipeline_by_stage_in_the_reporting_currency(admin, rates):
    partner = PartnerFactory()
    deal(partner, "1000.00", currency="USD", close=D(2026, 3, 19))  # at 0.9
    deal(partner, "1000.00", currency="USD", close=D(2026, 3, 20))  # at 0.8
    deal(partner, "333.33", at="Negotiation", status=DealStatus.APPROVED)
    deal(partner, "100.01", currency="GBP", at="Qualification")
    # Not open: a closed status, a won stage, a rejected registration.
    deal(partner, "5000.00", status=DealStatus.WON)
    deal(partner, "5000.00", at="Won", status=DealStatus.APPROVED)
    deal(partner, "5000.00", status=DealStatus.REJECTED)

    summary = pipeline_summary(user=admin)

    assert summary.currency == "EUR"
    assert summary.is_complete
    assert [(line.stage.name, figures(line)) for line in summary.stages] == [
        # 100.01 GBP x 1.1712345678 = 117.135... EUR; 10% of it 11.7135...
        ("Qualification", (1, Decimal("117.14"), Decimal("11.71"))),
        ("Proposal", (2, Decimal("1700.00"), Decimal("680.00"))),
        # 333.33 x 70% = 233.331
        ("Negotiation", (1, Decimal("333.33"), Decimal("233.33"))),
    ]
    # Rounded once from the exact sums: 2150.465169... and 925.044516...
    assert summary.total == Figures(4, Decimal("2150.47"), Decimal("925.04"))


def test_the_forecast_by_month_and_quarter(admin, rates):
    partner = PartnerFactory()
    deal(partner, "1000.00", close=D(2026, 1, 31), at="Negotiation")
    deal(partner, "1000.00", currency="USD", close=D(2026, 5, 2))
    deal(partner, "250.00", close=D(2026, 5, 31), at="Qualification")

    summary = pipeline_summary(user=admin)

    assert [(m.label, m.figures.weighted) for m in summary.months] == [
        ("2026-01", Decimal("700.00")),
        ("2026-02", Decimal("0.00")),
        ("2026-03", Decimal("0.00")),
        ("2026-04", Decimal("0.00")),
        ("2026-05", Decimal("345.00")),  # 1000 USD x 0.8 x 40% + 250 x 10%
    ]
    assert [
        (q.label, q.figures.amount, q.figures.weighted) for q in summary.quarters
    ] == [
        ("2026-Q1", Decimal("1000.00"), Decimal("700.00")),
        ("2026-Q2", Decimal("1050.00"), Decimal("345.00")),
    ]


def test_a_missing_rate_is_reported_and_left_out_of_the_totals(admin, rates):
    partner = PartnerFactory()
    deal(partner, "100.00")
    deal(partner, "2000.00", currency="JPY")
    deal(partner, "50.00", currency="USD", close=D(2025, 12, 31))  # before any rate

    summary = pipeline_summary(user=admin)

    assert not summary.is_complete
    assert summary.total.amount == Decimal("100.00")
    # Dated by the close months that hold them (the cells know no days).
    assert [
        (u.currency, u.count, u.amount, u.first_close, u.last_close)
        for u in summary.unconverted
    ] == [
        ("JPY", 1, Decimal("2000.00"), D(2026, 3, 1), D(2026, 3, 31)),
        ("USD", 1, Decimal("50.00"), D(2025, 12, 1), D(2025, 12, 31)),
    ]


def test_filters_by_region_partner_and_close_dates(admin, rates):
    emea, na = PartnerFactory(region="EMEA"), PartnerFactory(region="NA", country="US")
    deal(emea, "100.00", close=D(2026, 2, 1))
    deal(emea, "200.00", close=D(2026, 4, 1))
    deal(na, "400.00", close=D(2026, 2, 1))

    def amount(**filters):
        return pipeline_summary(
            user=admin, filters=PipelineFilters(**filters)
        ).total.amount

    assert amount(region="EMEA") == Decimal("300.00")
    assert amount(partner_id=na.pk) == Decimal("400.00")
    assert amount(close_from=D(2026, 3, 1)) == Decimal("200.00")
    assert amount(close_to=D(2026, 2, 1)) == Decimal("500.00")
    assert amount(region="APAC") == Decimal("0.00")


def test_pipeline_by_region_and_by_partner(admin, rates):
    emea, na = PartnerFactory(region="EMEA"), PartnerFactory(region="NA", country="US")
    deal(emea, "100.00")
    deal(na, "400.00", at="Negotiation")
    deal(na, "10.00", currency="JPY")

    summary = pipeline_summary(user=admin, regions=True, partners=10)

    assert [
        (line.key, line.label, line.figures.weighted) for line in summary.regions
    ] == [
        ("NA", "North America", Decimal("280.00")),
        ("EMEA", "Europe, Middle East and Africa", Decimal("40.00")),
    ]
    assert [(line.label, line.figures.amount) for line in summary.partners] == [
        (na.name, Decimal("400.00")),
        (emea.name, Decimal("100.00")),
    ]
    assert [u.currency for u in summary.partners[0].unconverted] == ["JPY"]


def test_a_partner_sees_only_its_own_pipeline(rates):
    mine, other = PartnerFactory(), PartnerFactory()
    deal(mine, "100.00")
    deal(other, "900.00")

    summary = pipeline_summary(user=seller(mine))
    sneaky = pipeline_summary(
        user=seller(mine), filters=PipelineFilters(partner_id=other.pk)
    )

    assert summary.total.amount == Decimal("100.00")
    assert sneaky.total.count == 0


def test_a_distributor_sees_its_downstream_only_when_granted(rates):
    granted = PartnerFactory(partner_type="distributor", downstream_visibility=True)
    plain = PartnerFactory(partner_type="distributor")
    deal(PartnerFactory(parent=granted), "100.00")
    deal(PartnerFactory(parent=plain), "100.00")
    deal(granted, "1.00")
    deal(plain, "2.00")

    sees = pipeline_summary(user=seller(granted, roles=[PartnerRole.PARTNER_ADMIN]))
    own = pipeline_summary(user=seller(plain, roles=[PartnerRole.PARTNER_ADMIN]))

    assert sees.total.amount == Decimal("101.00")
    assert own.total.amount == Decimal("2.00")


def test_the_portal_reads_one_organisation_at_a_time(rates):
    first, second = PartnerFactory(), PartnerFactory()
    user = seller(first)
    MembershipFactory(user=user, partner=second, roles=[PartnerRole.SALES])
    deal(first, "10.00")
    deal(second, "20.00")

    assert pipeline_summary(user=user).total.amount == Decimal("30.00")
    assert pipeline_summary(user=user, organisation=second).total.amount == Decimal(
        "20.00"
    )


def test_partner_users_without_a_deal_role_are_refused(rates):
    learner = seller(PartnerFactory(), roles=[PartnerRole.LEARNER])

    with pytest.raises(PermissionDenied):
        pipeline_summary(user=learner)


def test_a_channel_manager_sees_only_their_partners(rates):
    manager = VendorUserFactory(vendor_role="channel_manager")
    theirs = PartnerFactory(channel_manager=manager)
    deal(theirs, "100.00")
    deal(PartnerFactory(), "900.00")

    assert pipeline_summary(user=manager).total.amount == Decimal("100.00")


def test_the_queries_do_not_grow_with_the_deals(
    admin, rates, django_assert_num_queries
):
    partner = PartnerFactory()
    deal(partner, "1.00")
    # Stages, rates, the GROUP BY of cells by month, by region, the partners
    # ranked in SQL (cells and deals in one statement), the candidates' cells,
    # partner names; and the deals of the month in which a USD rate starts on the
    # 20th, by month, by region and for the candidates.
    with django_assert_num_queries(7 + 3):
        pipeline_summary(user=admin, regions=True, partners=10)
    for index in range(12):
        deal(
            PartnerFactory(),
            f"{index}.00",
            currency=("EUR", "USD", "GBP")[index % 3],
            close=D(2026, 1 + index, 1),
        )

    with django_assert_num_queries(7 + 3):
        summary = pipeline_summary(user=admin, regions=True, partners=10)

    assert summary.total.count == 13
    assert len(summary.partners) == 10
    ExchangeRate.objects.filter(valid_from=D(2026, 3, 20)).delete()
    with django_assert_num_queries(4):  # no partners asked: stages to regions
        assert pipeline_summary(user=admin, regions=True).total.count == 13


def test_the_partner_list_of_the_api(admin, rates):
    partner = PartnerFactory()
    deal(partner, "10.00")

    currency, lines = pipeline_groups(user=admin, group=GROUP_PARTNER)

    assert currency == "EUR"
    assert [(line.key, line.figures.amount) for line in lines] == [
        (partner.pk, Decimal("10.00"))
    ]


# --- won revenue


def won(partner, amount, on, *, currency="EUR"):
    """A deal of ``partner`` won on ``on``, with its revenue (as the service
    records it)."""
    made = deal(partner, amount, currency=currency, status=DealStatus.WON)
    return DealRevenue.objects.create(
        partner=partner,
        deal=made,
        amount=Decimal(amount),
        currency=currency,
        won_on=on,
    )


def test_a_partners_won_revenue_in_the_reporting_currency(admin, rates):
    partner = PartnerFactory()
    won(partner, "100.00", D(2026, 3, 19), currency="USD")  # 0.9
    won(partner, "100.00", D(2026, 3, 20), currency="USD")  # 0.8
    won(partner, "10.10", D(2026, 3, 20), currency="GBP")  # 1.1712345678
    won(partner, "50.05", D(2026, 3, 21))
    won(partner, "7.00", D(2026, 3, 21), currency="CHF")  # no rate
    won(PartnerFactory(), "999.00", D(2026, 3, 21))  # another partner's

    revenue = partner_won_revenue(user=admin, public_id=partner.public_id)

    assert revenue.partner_id == partner.pk
    assert revenue.currency == "EUR"
    # 90 + 80 + 11.829469... + 50.05, rounded once.
    assert (revenue.total.count, revenue.total.amount) == (4, Decimal("231.88"))
    assert not revenue.is_complete
    assert revenue.unconverted == [
        Unconverted("CHF", 1, Decimal("7.00"), D(2026, 3, 21), D(2026, 3, 21))
    ]


def test_won_revenue_between_two_days(admin, rates):
    partner = PartnerFactory()
    won(partner, "1.00", D(2026, 1, 31))
    won(partner, "2.00", D(2026, 2, 1))
    won(partner, "4.00", D(2026, 2, 28))
    won(partner, "8.00", D(2026, 3, 1))

    revenue = partner_won_revenue(
        user=admin,
        public_id=partner.public_id,
        won_from=D(2026, 2, 1),
        won_to=D(2026, 2, 28),
    )

    assert (revenue.total.count, revenue.total.amount) == (2, Decimal("6.00"))
    assert revenue.is_complete


def test_a_partner_without_won_deals_has_no_revenue(admin, rates):
    revenue = partner_won_revenue(user=admin, public_id=PartnerFactory().public_id)

    assert (revenue.total.count, revenue.total.amount) == (0, Decimal("0.00"))
    assert revenue.unconverted == []


def test_won_revenue_is_read_within_the_readers_scope(rates):
    mine, other = PartnerFactory(), PartnerFactory()
    won(mine, "5.00", D(2026, 3, 21))
    user = seller(mine)

    assert partner_won_revenue(user=user, public_id=mine.public_id).total.amount == (
        Decimal("5.00")
    )
    with pytest.raises(NotFound):
        partner_won_revenue(user=user, public_id=other.public_id)
    with pytest.raises(NotFound):
        partner_won_revenue(
            user=VendorUserFactory(vendor_role="channel_manager"),
            public_id=mine.public_id,
        )


def test_won_revenue_is_refused_to_partner_roles_without_deals(rates):
    partner = PartnerFactory()

    with pytest.raises(PermissionDenied):
        partner_won_revenue(
            user=seller(partner, roles=[PartnerRole.MARKETING]),
            public_id=partner.public_id,
        )


def test_won_revenue_takes_the_same_queries_for_more_deals(
    admin, rates, django_assert_num_queries
):
    partner = PartnerFactory()
    won(partner, "1.00", D(2026, 3, 1))
    # The partner in scope, the rates, the GROUP BY.
    with django_assert_num_queries(3):
        partner_won_revenue(user=admin, public_id=partner.public_id)
    for index in range(9):
        won(
            partner,
            f"{index}.00",
            D(2026, 1 + index, 1),
            currency=("EUR", "USD", "GBP")[index % 3],
        )

    with django_assert_num_queries(3):
        revenue = partner_won_revenue(user=admin, public_id=partner.public_id)

    assert revenue.total.count == 10


# --- the largest partners, ranked in SQL


def _lines(lines):
    return [
        (line.key, figures(line), [missing.currency for missing in line.unconverted])
        for line in lines
    ]


def _same_as_every_partner_converted(user, most, **filters):
    """The summary's largest partners equal the first ``most`` of every partner's
    sums converted and ranked in Python (the API's list)."""
    chosen = PipelineFilters(**filters)
    _currency, every = pipeline_groups(user=user, group=GROUP_PARTNER, filters=chosen)
    summary = pipeline_summary(user=user, filters=chosen, partners=most)
    assert _lines(summary.partners) == _lines(every[:most])
    return summary.partners


def test_the_largest_partners_are_ranked_by_converted_weighted_amounts(admin, rates):
    # By amount "Late dollars" leads (1,005); converted (USD at 0.9 before 20
    # March 2026, 0.8 from then on) it holds 805 EUR, behind 900 and 850.
    euro = PartnerFactory(name="Euro")
    early = PartnerFactory(name="Early dollars")
    late = PartnerFactory(name="Late dollars")
    deal(euro, "850.00", close=D(2026, 5, 1))
    deal(early, "900.00", currency="USD", close=D(2026, 2, 1))
    deal(early, "100.00", currency="USD", close=D(2026, 3, 19))  # at 0.9
    deal(late, "1000.00", currency="USD", close=D(2026, 3, 25))  # at 0.8
    deal(late, "5.00", close=D(2026, 4, 1), at="Negotiation")
    for index in range(4):
        deal(PartnerFactory(), f"{index + 1}.00", currency="GBP")
    deal(PartnerFactory(), "100000.00", currency="JPY")  # no rate: listed last

    partners = _same_as_every_partner_converted(admin, 2)

    assert [line.label for line in partners] == ["Early dollars", "Euro"]
    assert [line.figures.amount for line in partners] == [
        Decimal("900.00"),
        Decimal("850.00"),
    ]
    _same_as_every_partner_converted(admin, 3, close_from=D(2026, 3, 20))
    _same_as_every_partner_converted(admin, 3, close_to=D(2026, 3, 19))
    _same_as_every_partner_converted(admin, 2, region="EMEA")


def test_partners_of_equal_pipelines_are_ranked_as_python_ranks_them(admin, rates):
    # More partners tie with the last one listed than the first ranking reads.
    partners = [PartnerFactory() for _index in range(9)]
    for partner in partners:
        deal(partner, "10.00", currency="GBP")
    deal(partners[5], "10.01", currency="GBP")

    listed = _same_as_every_partner_converted(admin, 3)

    assert listed[0].key == partners[5].pk
    assert len(listed) == 3


def test_few_partners_or_none_with_a_converted_amount(admin, rates):
    deal(PartnerFactory(), "5.00", currency="JPY")
    deal(PartnerFactory(), "7.00", currency="JPY")
    deal(PartnerFactory(), "1.00")

    _same_as_every_partner_converted(admin, 2)
    _same_as_every_partner_converted(admin, 1)
    _same_as_every_partner_converted(seller(PartnerFactory()), 3)
