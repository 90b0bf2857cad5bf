"""Rebates run by themselves: the sweep accrues each active programme's current
period and trues up each ended period once; run twice, it posts nothing new."""

import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals import rebates, tasks
from openprm.accruals.choices import MoneyKind, StatementStatus
from openprm.accruals.models import MoneyEntry, RebatePeriodClose, RebateStatement
from openprm.accruals.tests.factories import RebateProgrammeFactory
from openprm.core import sweeps
from openprm.core.models import OutboxEvent
from openprm.incentives.models import SalesLine
from openprm.incentives.tests.factories import ProductFactory
from openprm.partners.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def _sale(partner, amount, on, number=[0]):  # noqa: B006
    number[0] += 1
    return SalesLine.objects.create(
        partner=partner,
        invoice_number=f"S-{number[0]}",
        invoiced_on=on,
        end_customer="Acme",
        product=ProductFactory(),
        quantity=1,
        amount=amount,
        currency="EUR",
        reporting_amount=Decimal(amount),
    )


def _ledger():
    return list(
        MoneyEntry.objects.order_by("id").values_list("kind", "amount", "reason")
    )


def test_the_sweep_is_registered_to_run_by_itself():
    assert "accruals.rebates" in {sweep.name for sweep in sweeps.registered()}


def test_the_sweep_accrues_then_trues_up_once_as_the_clock_moves():
    partner = PartnerFactory()
    programme = RebateProgrammeFactory(starts_on=D(2026, 1, 1), name="Volume")
    _sale(partner, "90000", D(2026, 2, 1))
    with freeze_time("2026-03-10"):
        tasks.rebates_sweep.call()
        assert _ledger() == [(MoneyKind.REBATE, Decimal("900.00"), "Rebate: Volume")]
        # Again, the same sales: nothing new.
        tasks.rebates_sweep.call()
        assert len(_ledger()) == 1
    _sale(partner, "20000", D(2026, 3, 30))  # reported late: crosses 100k
    with freeze_time("2026-04-02"):
        tasks.rebates_sweep.call()
        assert _ledger()[1:] == [
            (MoneyKind.TRUE_UP, Decimal("1300.00"), "Rebate true-up: Volume")
        ]
        statement = RebateStatement.objects.get(period_start=D(2026, 1, 1))
        assert statement.status == StatementStatus.FINAL
        assert statement.accrued_amount == Decimal("2200.00")
        # Run twice after the period's end: the true-up is not posted again,
        # even with a sale reported after it.
        _sale(partner, "5000", D(2026, 3, 31))
        tasks.rebates_sweep.call()
        assert len(_ledger()) == 2
    assert RebatePeriodClose.objects.filter(programme=programme).count() == 1
    assert OutboxEvent.objects.filter(name="rebate.calculated").count() == 2


def test_the_sweep_accrues_the_current_period_as_sales_come_in():
    partner = PartnerFactory()
    RebateProgrammeFactory(starts_on=D(2026, 1, 1))
    with freeze_time("2026-04-10"):
        _sale(partner, "1000", D(2026, 4, 5))
        assert rebates.rebates_run() == {"final": 0, "accrued": 1}
        _sale(partner, "1000", D(2026, 4, 6))
        assert rebates.rebates_run() == {"final": 0, "accrued": 1}
        assert rebates.rebates_run() == {"final": 0, "accrued": 0}
    assert [amount for _kind, amount, _reason in _ledger()] == [
        Decimal("10.00"),
        Decimal("10.00"),
    ]
    # The quarter before had no sales: closed, with no statement.
    assert RebatePeriodClose.objects.get().period_start == D(2026, 1, 1)


def test_a_worker_that_was_away_trues_up_every_ended_period_in_order():
    partner = PartnerFactory()
    RebateProgrammeFactory(starts_on=D(2025, 10, 1), period="month")
    _sale(partner, "1000", D(2025, 11, 15))
    _sale(partner, "2000", D(2026, 1, 15))
    with freeze_time("2026-02-03"):
        assert rebates.rebates_run()["final"] == 2
        assert rebates.rebates_run()["final"] == 0
    assert [row[:2] for row in _ledger()] == [
        (MoneyKind.TRUE_UP, Decimal("10.00")),
        (MoneyKind.TRUE_UP, Decimal("20.00")),
    ]
    assert RebatePeriodClose.objects.count() == 4  # October to January


def test_the_sweep_skips_inactive_ended_and_future_programmes():
    partner = PartnerFactory()
    _sale(partner, "1000", D(2026, 2, 1))
    RebateProgrammeFactory(starts_on=D(2026, 1, 1), is_active=False)
    RebateProgrammeFactory(starts_on=D(2026, 6, 1))
    ended = RebateProgrammeFactory(starts_on=D(2025, 1, 1), ends_on=D(2025, 12, 31))
    with freeze_time("2026-03-10"):
        rebates.rebates_run()
    assert not RebateStatement.objects.exists()
    # The ended programme's quarters were closed; nothing accrues after its end.
    assert RebatePeriodClose.objects.filter(programme=ended).count() == 4


def test_a_manual_true_up_closes_the_period_for_the_sweep():
    partner = PartnerFactory()
    programme = RebateProgrammeFactory(starts_on=D(2026, 1, 1))
    _sale(partner, "1000", D(2026, 2, 1))
    finance = VendorUserFactory(vendor_role="finance")
    with freeze_time("2026-04-02"):
        rebates.rebate_calculate(
            actor=finance, programme=programme, on=D(2026, 2, 1), final=True
        )
        rebates.rebates_run()
        assert (
            rebates.rebate_calculate(
                actor=finance, programme=programme, on=D(2026, 2, 1), final=True
            )
            == []
        )
    assert [row[:2] for row in _ledger()] == [(MoneyKind.TRUE_UP, Decimal("10.00"))]
