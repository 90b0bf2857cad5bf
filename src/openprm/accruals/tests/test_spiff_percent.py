"""SPIFFs paid as a percentage of each line's amount in the reporting currency,
in points or money, within a budget the database never lets be overspent."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals import spiffs
from openprm.accruals.choices import PayIn, SpiffBasis
from openprm.accruals.models import MoneyEntry, Spiff, SpiffEarning
from openprm.accruals.tests.factories import SpiffFactory
from openprm.core.errors import ValidationFailed
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.incentives import sales
from openprm.incentives.models import PointsEntry
from openprm.incentives.tests.factories import ProductFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _line(number=1, amount="200.00", currency="EUR", quantity="2"):
    return {
        "invoice_number": f"INV-{number}",
        "invoice_date": "2026-03-02",
        "end_customer": "Acme GmbH",
        "sku": "SKU-A",
        "quantity": quantity,
        "amount": amount,
        "currency": currency,
    }


@pytest.fixture
def seller():
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2020, 1, 1)
    )
    ProductFactory(sku="SKU-A")
    user = partner_user(roles=[PartnerRole.SALES])
    return user, user.memberships.get().partner


def _percent_spiff(**kwargs):
    from openprm.incentives.models import Product

    return SpiffFactory(
        product=Product.objects.get(sku="SKU-A"),
        basis=SpiffBasis.PERCENT,
        **kwargs,
    )


def test_a_money_spiff_pays_a_percentage_of_the_amount_in_the_reporting_currency(
    seller,
):
    user, partner = seller
    spiff = _percent_spiff(rate=Decimal("2.5"))
    sales.sales_report(
        actor=user,
        partner=partner,
        # 200.00 EUR; 301.00 USD at 0.9 = 270.90 EUR.
        lines=[_line(1), _line(2, amount="301.00", currency="USD")],
    )
    # 2.5 % of 200.00 and of 270.90 (6.7725: rounded down to the cent).
    assert sorted(SpiffEarning.objects.values_list("amount", flat=True)) == [
        Decimal("5.00"),
        Decimal("6.77"),
    ]
    spiff.refresh_from_db()
    paid = SpiffEarning.objects.aggregate(total=Sum("amount"))["total"]
    assert spiff.spent == paid == MoneyEntry.objects.aggregate(t=Sum("amount"))["t"]


def test_a_points_spiff_pays_whole_points_of_the_percentage(seller):
    user, partner = seller
    _percent_spiff(pay_in=PayIn.POINTS, rate=Decimal("3"), budget=Decimal(1000))
    report = sales.sales_report(
        actor=user, partner=partner, lines=[_line(1, amount="210.00")]
    )
    # 3 % of 210.00 = 6.3: six points, rounded down.
    assert report.points == 6
    assert PointsEntry.objects.get().points == 6
    assert not MoneyEntry.objects.exists()


def test_a_line_without_an_exchange_rate_earns_no_percentage(seller):
    user, partner = seller
    _percent_spiff(rate=Decimal("10"))
    sales.sales_report(actor=user, partner=partner, lines=[_line(1, currency="JPY")])
    assert not SpiffEarning.objects.exists()


def test_the_budget_caps_a_percentage_spiff_and_the_crossing_line_gets_the_rest(
    seller,
):
    user, partner = seller
    spiff = _percent_spiff(rate=Decimal("10"), budget=Decimal("25.00"))
    sales.sales_report(
        actor=user, partner=partner, lines=[_line(1), _line(2), _line(3)]
    )
    assert list(
        SpiffEarning.objects.order_by("sales_line_id").values_list("amount", flat=True)
    ) == [Decimal("20.00"), Decimal("5.00")]
    spiff.refresh_from_db()
    assert spiff.spent == spiff.budget == Decimal("25.00")


def test_a_percentage_is_at_most_100_by_the_service_and_the_database():
    admin = VendorUserFactory(vendor_role="vendor_admin")
    with pytest.raises(ValidationFailed) as refused:
        spiffs.spiff_create(
            actor=admin,
            name="Too much",
            product=ProductFactory(),
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 3, 31),
            pay_in=PayIn.MONEY,
            basis=SpiffBasis.PERCENT,
            rate=Decimal("101"),
            budget=Decimal("100"),
        )
    assert "rate" in refused.value.field_errors
    assert not Spiff.objects.exists()
    spiff = SpiffFactory(basis=SpiffBasis.PERCENT, rate=Decimal(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        Spiff.objects.filter(pk=spiff.pk).update(rate=Decimal(150))


def test_the_api_sets_up_a_percentage_spiff_and_refuses_a_bad_basis(client):
    admin = VendorUserFactory(vendor_role="vendor_admin")
    product = ProductFactory(sku="SKU-P")
    client.force_login(admin)
    body = {
        "name": "Q1 storage push",
        "product": product.sku,
        "starts_on": "2026-01-01",
        "ends_on": "2026-03-31",
        "pay_in": "money",
        "basis": "percent",
        "rate": "2.5",
        "budget": "1000",
    }
    made = client.post("/api/v1/spiffs", body, content_type="application/json")
    assert made.status_code == 201, made.content
    assert (made.json()["basis"], Decimal(made.json()["rate"])) == (
        "percent",
        Decimal("2.5"),
    )
    bad = client.post(
        "/api/v1/spiffs",
        {**body, "basis": "per_hour"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [error["field"] for error in bad.json()["errors"]] == ["basis"]
    assert Spiff.objects.count() == 1


def test_the_console_form_sets_up_a_percentage_spiff(client):
    admin = VendorUserFactory(vendor_role="vendor_admin")
    product = ProductFactory(sku="SKU-F")
    client.force_login(admin)
    response = client.post(
        reverse("console:accrual_spiff_create"),
        {
            "name": "Two per cent",
            "product": str(product.public_id),
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-31",
            "pay_in": "points",
            "basis": "percent",
            "rate": "2",
            "budget": "5000",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    spiff = Spiff.objects.get()
    assert (spiff.basis, spiff.rate, spiff.pay_in) == ("percent", Decimal(2), "points")
    page = client.get(reverse("console:accrual_spiff", args=[spiff.public_id]))
    assert "2 % of the amount in points" in page.content.decode()
