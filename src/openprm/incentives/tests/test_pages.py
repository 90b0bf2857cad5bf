"""The console and portal pages of incentives, and their query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.incentives import ledger, rewards, services
from openprm.incentives.choices import EntryKind, OrderStatus
from openprm.incentives.models import PointsEntry, Product, RedemptionOrder
from openprm.incentives.tests.factories import (
    EarningRuleFactory,
    ProductFactory,
    RewardFactory,
)
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _earned(partner, points, days_ago=0):
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        return ledger.credit(
            account=account,
            kind=EntryKind.BONUS,
            points=points,
            reason=f"Bonus {points}",
            now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days_ago),
        )


def test_the_portal_earnings_page_shows_balance_expiring_and_reasons(
    client, settings, django_assert_num_queries
):
    settings.OPENPRM_POINTS_EXPIRY_MONTHS = 12
    user = partner_user(roles=[PartnerRole.LEARNER])
    partner = user.memberships.get().partner
    _earned(partner, 100, days_ago=340)  # expires within 60 days
    _earned(partner, 40)
    rule = EarningRuleFactory(name="Storage sales")
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        services.earn(
            rule=rule,
            account=account,
            points=7,
            source=ledger.Source("sales_line", "1", "Invoice 9: SKU-1"),
            reason="x",
            now=datetime.datetime.now(datetime.UTC),
        )
    client.force_login(user)
    # session, user, the reader's memberships (the page's rule reads its roles
    # from them); the account; expiring; balance; pending; count, page
    with django_assert_num_queries(9):
        response = client.get("/portal/earnings/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.balance, summary.expiring) == (147, 100)
    body = response.content.decode()
    assert "Storage sales" in body and "Invoice 9: SKU-1" in body
    assert "Bonus 40" in body


def test_the_portal_summary_shows_the_points_of_orders_not_yet_delivered(
    client, settings
):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 0
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    _earned(partner, 1000)
    orders = [
        rewards.redemption_order_place(
            actor=user,
            partner_id=partner.pk,
            reward=RewardFactory(points_price=price, stock=None),
        )
        for price in (100, 200, 300, 50, 20)
    ]
    for order, status in zip(
        orders,
        [
            OrderStatus.PENDING_APPROVAL,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
            OrderStatus.SUBMITTED,
        ],
        strict=False,
    ):
        RedemptionOrder.objects.filter(pk=order.pk).update(status=status)
    rewards.redemption_order_cancel(actor=user, order=orders[4])
    # The fifth (20) was cancelled and refunded: neither pending nor spent.
    client.force_login(user)
    response = client.get("/portal/earnings/")
    summary = response.context["summary"]
    assert (summary.balance, summary.pending) == (350, 350)
    body = response.content.decode()
    assert 'data-testid="pending">350<' in body
    assert "not yet delivered" in body


def test_the_portal_earnings_page_before_any_points_says_how_to_earn(client):
    user = partner_user()
    client.force_login(user)
    response = client.get("/portal/earnings/")
    assert "No points yet" in response.content.decode()


def test_a_partner_uploads_sales_and_sees_the_report(
    client, django_capture_on_commit_callbacks
):
    ProductFactory(sku="SKU-A")
    user = partner_user(roles=[PartnerRole.SALES])
    client.force_login(user)
    body = (
        b"invoice_number,invoice_date,end_customer,sku,quantity,amount,currency\n"
        b"INV-1,2026-01-05,Acme,SKU-A,1,100,USD\nINV-2,2026-01-05,Acme,NOPE,1,1,USD\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/portal/sales/",
            {"file": SimpleUploadedFile("s.csv", body, content_type="text/csv")},
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Unknown SKU “NOPE”." in page


def test_a_file_without_the_columns_is_refused_on_the_form(client):
    user = partner_user(roles=[PartnerRole.SALES])
    client.force_login(user)
    response = client.post(
        "/portal/sales/",
        {"file": SimpleUploadedFile("s.csv", b"a,b\n1,2\n", content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "invoice_number" in response.context["form"].errors["file"][0]


def test_the_console_ledger_list_counts_its_queries(client, django_assert_num_queries):
    for _n in range(3):
        _earned(partner_user().memberships.get().partner, 10)
    client.force_login(VendorUserFactory())
    # session, user; count, page with balances
    with django_assert_num_queries(4):
        response = client.get("/console/incentives/ledgers/")
    assert [a.balance for a in response.context["page"]] == [10, 10, 10]


def test_finance_adjusts_a_ledger_from_its_page(client):
    partner = partner_user().memberships.get().partner
    _earned(partner, 10)
    account = ledger.account_for(partner_id=partner.pk)
    client.force_login(VendorUserFactory(vendor_role=VendorRole.FINANCE))
    client.post(
        f"/console/incentives/ledgers/{account.public_id}/adjust/",
        {"points": "-4", "reason": "Returned goods"},
    )
    entry = PointsEntry.objects.get(kind=EntryKind.ADJUST)
    assert (entry.points, entry.reason) == (-4, "Returned goods")


def test_the_product_list_counts_its_queries(client, django_assert_num_queries):
    for _n in range(3):
        ProductFactory()
    client.force_login(VendorUserFactory())
    # session, user; count, page, prices
    with django_assert_num_queries(5):
        response = client.get("/console/incentives/products/")
    assert len(response.context["page"]) == 3


def test_a_catalogue_file_is_imported_with_its_report_and_idempotent(client):
    client.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    body = (
        b"sku,name,product_line,active_from,price_usd,price_eur\n"
        b"P-1,Box,Storage,2026-01-01,100.00,90\n"
        b"P-2,,Storage,,1,\n"
        b"P-3,Disk,Storage,soon,1,\n"
    )

    def post():
        return client.post(
            "/console/incentives/products/import/",
            {"file": SimpleUploadedFile("p.csv", body, content_type="text/csv")},
        ).context["report"]

    report = post()
    assert (report["created"], report["failed"]) == (1, 2)
    assert {(i["row"], i["column"]) for i in report["issues"]} == {
        (3, "name"),
        (4, "active_from"),
    }
    product = Product.objects.get(sku="P-1")
    assert dict(product.prices.values_list("currency", "list_price")) == {
        "USD": Decimal("100.00"),
        "EUR": Decimal("90.00"),
    }
    assert post()["unchanged"] == 1


def test_an_earning_rule_is_created_from_the_console(client):
    client.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    response = client.post(
        "/console/incentives/rules/new/",
        {
            "name": "Won deals",
            "basis": "per_event",
            "event_name": "deal.won",
            "points": "50",
        },
    )
    assert response.status_code == 302
    list_page = client.get("/console/incentives/rules/").content.decode()
    assert "Won deals" in list_page and "Deal won" in list_page


def test_a_rule_without_a_target_is_refused_on_the_form(client):
    client.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    response = client.post(
        "/console/incentives/rules/new/",
        {"name": "Nothing", "basis": "per_unit", "points": "5"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["product"]


def test_the_deal_page_shows_the_sales_reported_for_its_customer(client):
    from openprm.deals.choices import DealStatus
    from openprm.deals.tests.factories import make_deal
    from openprm.incentives import sales

    ProductFactory(sku="SKU-A", name="Firewall")
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    deal = make_deal(partner=partner, customer_name="Acme", status=DealStatus.APPROVED)
    sales.sales_report(
        actor=user,
        partner=partner,
        lines=[
            {
                "invoice_number": "INV-77",
                "invoice_date": "2026-01-05",
                "end_customer": "ACME",
                "sku": "SKU-A",
                "quantity": "2",
                "amount": "200",
                "currency": "USD",
            }
        ],
    )
    client.force_login(user)
    page = client.get(f"/portal/deals/{deal.public_id}/").content.decode()
    assert "Reported sales" in page and "INV-77" in page
