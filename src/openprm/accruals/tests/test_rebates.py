"""Rebates: each partner's sales per period (one grouped query), the tier it
reaches (retroactive), growth over the prior period, the statement, and the
true-up at the period's end posted as the difference."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals import ledger, rebates, rebates_calc
from openprm.accruals.choices import MoneyKind, RebateBasis, StatementStatus
from openprm.accruals.models import MoneyEntry, RebateStatement, SalesReturn
from openprm.accruals.tests.factories import RebateProgrammeFactory
from openprm.core.errors import Conflict, PermissionDenied, ValidationFailed
from openprm.core.models import OutboxEvent
from openprm.incentives.models import SalesLine
from openprm.incentives.tests.factories import ProductFactory
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
Q1 = datetime.date(2026, 2, 15)


def _sale(partner, amount, on=Q1, product=None, number=[0]):  # noqa: B006
    number[0] += 1
    return SalesLine.objects.create(
        partner=partner,
        invoice_number=f"R-{number[0]}",
        invoiced_on=on,
        end_customer="Acme",
        product=product or ProductFactory(),
        quantity=1,
        amount=amount,
        currency="EUR",
        reporting_amount=Decimal(amount),
    )


@pytest.fixture
def finance():
    return VendorUserFactory(vendor_role="finance")


def test_the_tier_reached_applies_to_all_sales_from_the_first_unit():
    tiers = [(Decimal(0), Decimal(1)), (Decimal(100000), Decimal(2))]
    assert rebates_calc.rate_reached(tiers, Decimal("99999.99")) == 1
    assert rebates_calc.rate_reached(tiers, Decimal(100000)) == 2
    assert rebates_calc.rebate(Decimal(100000), Decimal(2)) == 2000
    assert rebates_calc.rate_reached([(Decimal(10), Decimal(1))], Decimal(5)) == 0


def test_growth_is_measured_against_a_prior_period_with_sales():
    assert rebates_calc.growth_percent(Decimal(120), Decimal(100)) == 20
    assert rebates_calc.growth_percent(Decimal(120), None) is None
    assert rebates_calc.rate_reached([(Decimal(0), Decimal(1))], None) == 0


@freeze_time("2026-03-10")
def test_an_accrual_posts_each_partners_rebate_and_again_only_the_difference(
    finance,
):
    big, small = PartnerFactory(), PartnerFactory()
    _sale(big, "80000")
    _sale(big, "40000")
    _sale(small, "5000")
    _sale(small, "7000", on=datetime.date(2026, 4, 1))  # next quarter
    programme = RebateProgrammeFactory()
    changed = rebates.rebate_calculate(actor=finance, programme=programme, on=Q1)
    assert len(changed) == 2
    statement = RebateStatement.objects.get(partner=big)
    assert (statement.sales_amount, statement.rate, statement.rebate_amount) == (
        Decimal("120000"),
        Decimal(2),
        Decimal("2400.00"),
    )
    assert statement.period_start == datetime.date(2026, 1, 1)
    assert statement.period_end == datetime.date(2026, 4, 1)
    small_account = ledger.account_for(partner_id=small.pk)
    assert ledger.balance_of(small_account) == Decimal("50.00")
    assert OutboxEvent.objects.filter(name="rebate.calculated").count() == 2
    # The same sales again: nothing changes, nothing is posted.
    assert rebates.rebate_calculate(actor=finance, programme=programme, on=Q1) == []
    assert MoneyEntry.objects.count() == 2
    # More sales: only the difference is posted.
    _sale(small, "1000")
    rebates.rebate_calculate(actor=finance, programme=programme, on=Q1)
    assert list(
        MoneyEntry.objects.filter(partner=small)
        .order_by("id")
        .values_list("amount", flat=True)
    ) == [Decimal("50.00"), Decimal("10.00")]


def test_the_true_up_posts_the_difference_and_closes_the_statement(finance):
    partner = PartnerFactory()
    _sale(partner, "90000")
    programme = RebateProgrammeFactory()
    with freeze_time("2026-03-10"):
        rebates.rebate_calculate(actor=finance, programme=programme, on=Q1)
        with pytest.raises(Conflict):
            rebates.rebate_calculate(
                actor=finance, programme=programme, on=Q1, final=True
            )
    _sale(partner, "20000", on=datetime.date(2026, 3, 30))  # reported late
    with freeze_time("2026-04-02"):
        rebates.rebate_calculate(actor=finance, programme=programme, on=Q1, final=True)
        entries = list(MoneyEntry.objects.order_by("id").values_list("kind", "amount"))
        assert entries == [
            (MoneyKind.REBATE, Decimal("900.00")),
            (MoneyKind.TRUE_UP, Decimal("1300.00")),  # 2 % of 110,000 - 900
        ]
        statement = RebateStatement.objects.get()
        assert statement.status == StatementStatus.FINAL
        assert statement.accrued_amount == Decimal("2200.00")
        # A final statement is not calculated again.
        _sale(partner, "1000", on=datetime.date(2026, 3, 31))
        assert (
            rebates.rebate_calculate(
                actor=finance, programme=programme, on=Q1, final=True
            )
            == []
        )


@freeze_time("2026-06-10")
def test_growth_rebates_pay_by_the_growth_over_the_prior_period(finance):
    growing, new = PartnerFactory(), PartnerFactory()
    _sale(growing, "1000", on=datetime.date(2026, 2, 1))
    _sale(growing, "1300", on=datetime.date(2026, 5, 1))
    _sale(new, "5000", on=datetime.date(2026, 5, 1))
    programme = RebateProgrammeFactory(
        basis=RebateBasis.GROWTH, tiers=[("10", "3"), ("50", "5")]
    )
    rebates.rebate_calculate(
        actor=finance, programme=programme, on=datetime.date(2026, 5, 1)
    )
    statement = RebateStatement.objects.get(partner=growing)
    assert (statement.prior_amount, statement.rate, statement.rebate_amount) == (
        Decimal("1000"),
        Decimal(3),
        Decimal("39.00"),
    )
    assert RebateStatement.objects.get(partner=new).rebate_amount == 0


@freeze_time("2026-03-10")
def test_a_product_line_programme_counts_only_that_line_and_not_returns(finance):
    partner = PartnerFactory()
    _sale(partner, "1000", product=ProductFactory(product_line="Storage"))
    _sale(partner, "5000", product=ProductFactory(product_line="Compute"))
    returned = _sale(partner, "3000", product=ProductFactory(product_line="Storage"))
    SalesReturn.objects.create(sales_line=returned, partner=partner, reason="x")
    programme = RebateProgrammeFactory(product_line="Storage")
    rebates.rebate_calculate(actor=finance, programme=programme, on=Q1)
    assert RebateStatement.objects.get().sales_amount == Decimal("1000")


def test_only_finance_calculates(finance):
    programme = RebateProgrammeFactory()
    marketing = VendorUserFactory(vendor_role="channel_marketing")
    with pytest.raises(PermissionDenied):
        rebates.rebate_calculate(actor=marketing, programme=programme, on=Q1)


def test_a_programme_needs_tiers_that_make_sense():
    admin = VendorUserFactory(vendor_role="vendor_admin")
    with pytest.raises(ValidationFailed) as refused:
        rebates.rebate_programme_create(
            actor=admin,
            name="Bad",
            basis=RebateBasis.VOLUME,
            period="quarter",
            starts_on=Q1,
            tiers=[(Decimal(0), Decimal(150))],
        )
    assert "tiers" in refused.value.field_errors
