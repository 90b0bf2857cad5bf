"""SPIFFs: earned by sales lines as they are imported, once per line, within a
budget the database never lets be overspent; taken back when a line returns."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals import ledger as money_ledger
from openprm.accruals import services, spiffs
from openprm.accruals.choices import MoneyKind, PayIn, SpiffBasis
from openprm.accruals.models import MoneyEntry, Spiff, SpiffEarning
from openprm.accruals.tests.factories import SpiffFactory
from openprm.core.errors import Conflict, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.incentives import ledger as points_ledger
from openprm.incentives import sales
from openprm.incentives.choices import EntryKind
from openprm.incentives.models import PointsEntry, SalesLine
from openprm.incentives.tests.factories import ProductFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.tests.factories import AudienceFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user
from openprm.testing.concurrency import database_for_threads, in_threads

pytestmark = pytest.mark.django_db


def _line(number=1, sku="SKU-A", quantity="2", date="2026-03-02"):
    return {
        "invoice_number": f"INV-{number}",
        "invoice_date": date,
        "end_customer": "Acme GmbH",
        "sku": sku,
        "quantity": quantity,
        "amount": "200.00",
        "currency": "EUR",
    }


@pytest.fixture
def seller():
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2020, 1, 1)
    )
    user = partner_user(roles=[PartnerRole.SALES])
    return user, user.memberships.get().partner


def test_a_money_spiff_pays_per_unit_into_the_money_ledger(seller):
    user, partner = seller
    spiff = SpiffFactory(product=ProductFactory(sku="SKU-A"))
    sales.sales_report(actor=user, partner=partner, lines=[_line(quantity="3")])
    earning = SpiffEarning.objects.get()
    line = SalesLine.objects.get()
    assert (earning.spiff, earning.sales_line, earning.amount) == (
        spiff,
        line,
        Decimal("150.00"),
    )
    entry = MoneyEntry.objects.get()
    assert (entry.kind, entry.amount, entry.currency) == (
        MoneyKind.SPIFF,
        Decimal("150.00"),
        "EUR",
    )
    assert entry.reason == f"SPIFF: {spiff.name}"
    assert entry.source_label == "Invoice INV-1: SKU-A"
    spiff.refresh_from_db()
    assert spiff.spent == Decimal("150.00")
    account = money_ledger.account_for(partner_id=partner.pk)
    assert money_ledger.balance_of(account) == Decimal("150.00")
    assert OutboxEvent.objects.filter(name="spiff.earned").count() == 1


def test_a_points_spiff_pays_through_the_points_ledger_naming_spiff_and_line(seller):
    user, partner = seller
    spiff = SpiffFactory(
        product=ProductFactory(sku="SKU-A"),
        pay_in=PayIn.POINTS,
        rate=Decimal(25),
        budget=Decimal(1000),
    )
    report = sales.sales_report(actor=user, partner=partner, lines=[_line()])
    assert report.points == 50
    entry = PointsEntry.objects.get()
    line = SalesLine.objects.get()
    assert (entry.kind, entry.points, entry.reason) == (
        EntryKind.EARN,
        50,
        f"SPIFF: {spiff.name}",
    )
    assert (entry.source_type, entry.source_id) == ("sales_line", str(line.pk))
    assert SpiffEarning.objects.get().points_entry == entry
    assert not MoneyEntry.objects.exists()


def test_a_product_line_spiff_pays_for_every_product_of_the_line(seller):
    user, partner = seller
    ProductFactory(sku="SKU-A", product_line="Storage")
    ProductFactory(sku="SKU-B", product_line="Compute")
    SpiffFactory(product=None, product_line="Storage")
    sales.sales_report(
        actor=user,
        partner=partner,
        lines=[_line(1, "SKU-A", "1"), _line(2, "SKU-B", "1")],
    )
    assert list(
        SpiffEarning.objects.values_list("sales_line__product__sku", flat=True)
    ) == ["SKU-A"]


def test_sales_outside_the_dates_or_the_audience_earn_nothing(seller):
    user, partner = seller
    product = ProductFactory(sku="SKU-A")
    SpiffFactory(product=product, starts_on=datetime.date(2026, 4, 1))
    nobody = AudienceFactory(
        rule={"all": [{"field": "status", "op": "eq", "value": "terminated"}]}
    )
    SpiffFactory(product=product, audience=nobody)
    sales.sales_report(actor=user, partner=partner, lines=[_line()])
    assert not SpiffEarning.objects.exists()


def test_the_budget_caps_what_is_paid_and_the_line_that_crosses_it_gets_the_rest(
    seller,
):
    user, partner = seller
    spiff = SpiffFactory(product=ProductFactory(sku="SKU-A"), budget=Decimal("120"))
    sales.sales_report(
        actor=user,
        partner=partner,
        lines=[_line(1, quantity="2"), _line(2, quantity="1"), _line(3, quantity="1")],
    )
    assert sorted(SpiffEarning.objects.values_list("amount", flat=True)) == [
        Decimal("20.00"),
        Decimal("100.00"),
    ]
    spiff.refresh_from_db()
    assert spiff.spent == spiff.budget == Decimal("120.00")


def test_a_reimported_line_earns_the_spiff_once(seller):
    user, partner = seller
    SpiffFactory(product=ProductFactory(sku="SKU-A"))
    for _time in range(2):
        sales.sales_report(actor=user, partner=partner, lines=[_line()])
    assert SpiffEarning.objects.count() == 1
    assert MoneyEntry.objects.count() == 1


def test_the_database_refuses_spending_beyond_the_budget():
    spiff = SpiffFactory(budget=Decimal("10"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Spiff.objects.filter(pk=spiff.pk).update(spent=Decimal("10.01"))


def test_a_line_earns_a_spiff_once_by_constraint(seller):
    user, partner = seller
    SpiffFactory(product=ProductFactory(sku="SKU-A"))
    sales.sales_report(actor=user, partner=partner, lines=[_line()])
    earning = SpiffEarning.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SpiffEarning.objects.create(
            spiff=earning.spiff,
            partner=partner,
            sales_line=earning.sales_line,
            quantity=1,
            amount=1,
        )


def test_a_returned_line_reverses_its_spiff_and_points_and_frees_the_budget(seller):
    user, partner = seller
    product = ProductFactory(sku="SKU-A")
    money_spiff = SpiffFactory(product=product)
    points_spiff = SpiffFactory(
        product=product, pay_in=PayIn.POINTS, rate=Decimal(10), budget=Decimal(500)
    )
    sales.sales_report(actor=user, partner=partner, lines=[_line()])
    finance = VendorUserFactory(vendor_role="finance")
    line = SalesLine.objects.get()
    services.sales_line_return(actor=finance, line=line, reason="Damaged")
    money_spiff.refresh_from_db()
    points_spiff.refresh_from_db()
    assert (money_spiff.spent, points_spiff.spent) == (0, 0)
    account = money_ledger.account_for(partner_id=partner.pk)
    assert money_ledger.balance_of(account) == 0
    points = points_ledger.account_for(partner_id=partner.pk)
    assert points_ledger.balance_of(points) == points_ledger.spendable_of(points) == 0
    assert SpiffEarning.objects.filter(reversed_at__isnull=True).count() == 0
    assert OutboxEvent.objects.filter(name="spiff.reversed").count() == 2
    assert AuditEntry.objects.filter(verb="sales_line.returned").count() == 1
    with pytest.raises(Conflict):
        services.sales_line_return(actor=finance, line=line, reason="Again")
    assert MoneyEntry.objects.filter(kind=MoneyKind.REVERSE).count() == 1


def test_only_finance_records_a_return_and_a_refusal_changes_nothing(seller):
    user, partner = seller
    SpiffFactory(product=ProductFactory(sku="SKU-A"))
    sales.sales_report(actor=user, partner=partner, lines=[_line()])
    line = SalesLine.objects.get()
    with pytest.raises(PermissionDenied):
        services.sales_line_return(actor=user, line=line, reason="Damaged")
    finance = VendorUserFactory(vendor_role="finance")
    with pytest.raises(ValidationFailed):
        services.sales_line_return(actor=finance, line=line, reason=" ")
    assert MoneyEntry.objects.count() == 1
    assert not AuditEntry.objects.filter(verb="sales_line.returned").exists()


def test_a_budget_cannot_be_set_below_what_was_paid(seller):
    user, partner = seller
    spiff = SpiffFactory(product=ProductFactory(sku="SKU-A"))
    sales.sales_report(actor=user, partner=partner, lines=[_line()])
    admin = VendorUserFactory(vendor_role="vendor_admin")
    with pytest.raises(ValidationFailed) as refused:
        spiffs.spiff_update(actor=admin, spiff=spiff, budget=Decimal("99.99"))
    assert "budget" in refused.value.field_errors
    spiff.refresh_from_db()
    assert spiff.budget == Decimal("1000.00")
    spiffs.spiff_update(actor=admin, spiff=spiff, budget=Decimal("100"))
    spiff.refresh_from_db()
    assert spiff.budget == Decimal("100.00")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "terms, budget",
    [
        # 100.00 a line of 2 units: seven lines paid whole.
        ({}, "700.00"),
        # 10 % of a 200.00 line: six lines paid 20.00, one the 10.00 left.
        ({"basis": SpiffBasis.PERCENT, "rate": Decimal(10)}, "130.00"),
    ],
)
def test_concurrent_imports_never_overspend_the_budget(tmp_path, terms, budget):
    """Twenty partners report at once against a budget that covers seven of
    their lines: exactly the budget is paid, to the cent."""
    product = ProductFactory(sku="SKU-A")
    spiff = SpiffFactory(product=product, budget=Decimal(budget), **terms)
    partners = [PartnerFactory() for _n in range(20)]
    admin = VendorUserFactory(vendor_role="vendor_admin")
    barrier = threading.Barrier(len(partners))

    def report(partner):
        def run():
            barrier.wait(timeout=30)
            return sales.sales_report(
                actor=admin, partner=partner, lines=[_line()]
            ).imported

        return run

    def final():
        spent = Spiff.objects.get(pk=spiff.pk).spent
        paid = SpiffEarning.objects.aggregate(total=Sum("amount"))["total"]
        ledger = MoneyEntry.objects.aggregate(total=Sum("amount"))["total"]
        return spent, paid, ledger, SpiffEarning.objects.count()

    with database_for_threads(tmp_path):
        outcomes = in_threads(*[report(partner) for partner in partners])
        (state,) = in_threads(final)
    assert outcomes == [1] * 20, (connection.vendor, outcomes)
    assert state == (Decimal(budget), Decimal(budget), Decimal(budget), 7)
