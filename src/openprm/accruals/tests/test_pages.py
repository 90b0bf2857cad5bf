"""The console and portal pages and the API of SPIFFs, rebates and payouts:
what they show, what they refuse, and a fixed number of queries per list
(three partners' rows here)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accruals import payouts, rebates
from openprm.accruals.choices import PayIn, PayoutStatus
from openprm.accruals.models import Payout, RebateStatement, Spiff
from openprm.accruals.tests.factories import RebateProgrammeFactory, SpiffFactory
from openprm.incentives import sales
from openprm.incentives.tests.factories import ProductFactory
from openprm.programs.tests.test_api import bearer
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Three sellers who each sold 2 units under a money and a points SPIFF
    running today, a calculated rebate, and a payout asked for each."""
    today = timezone.localdate()
    product = ProductFactory(sku="SKU-A")
    money_spiff = SpiffFactory(
        name="Q SPIFF",
        product=product,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=10),
    )
    SpiffFactory(
        product=product,
        pay_in=PayIn.POINTS,
        rate=Decimal(5),
        budget=Decimal(10000),
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=10),
    )
    admin = VendorUserFactory(vendor_role="vendor_admin")
    sellers = []
    for number in range(3):
        user = partner_user(roles=[PartnerRole.SALES])
        partner = user.memberships.get().partner
        sales.sales_report(
            actor=user,
            partner=partner,
            lines=[
                {
                    "invoice_number": f"INV-{number}",
                    "invoice_date": today.isoformat(),
                    "end_customer": "Acme",
                    "sku": "SKU-A",
                    "quantity": "2",
                    "amount": "200.00",
                    "currency": "EUR",
                }
            ],
        )
        sellers.append(user)
    programme = RebateProgrammeFactory(starts_on=datetime.date(2020, 1, 1))
    rebates.rebate_calculate(actor=admin, programme=programme, on=today)
    for user in sellers:
        payouts.payout_request(actor=admin, partner=user.memberships.get().partner)
    return admin, sellers, money_spiff, programme


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/console/spiffs/", 4),
        ("/console/rebates/", 6),
        ("/console/payouts/", 5),  # the partner picker lists no partner
        ("/console/sales-returns/", 4),
    ],
)
def test_console_lists(client, world, url, queries, django_assert_num_queries):
    client.force_login(world[0])
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/spiffs", 4),
        ("/api/v1/spiff-earnings", 4),
        ("/api/v1/money/accounts", 4),
        ("/api/v1/payouts", 4),
        ("/api/v1/rebate-programmes", 5),
        ("/api/v1/rebate-statements", 4),
    ],
)
def test_api_lists(client, world, url, queries, django_assert_num_queries):
    headers = bearer(world[0])
    with django_assert_num_queries(queries):
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert response.json()["count"] >= 1


def test_the_spiff_page_shows_budget_and_who_earned_it(client, world):
    admin, _sellers, spiff, _programme = world
    client.force_login(admin)
    page = client.get(f"/console/spiffs/{spiff.public_id}/").content.decode()
    assert "300.00" in page  # three partners, 2 units each, 50 a unit
    assert page.count("<tr>") == 4  # the header and three partners


def test_a_seller_sees_their_spiffs_with_progress(client, world):
    _admin, sellers, _spiff, _programme = world
    client.force_login(sellers[0])
    page = client.get("/portal/spiffs/").content.decode()
    assert "Q SPIFF" in page
    assert 'data-testid="units">2<' in page


def test_the_portal_money_page_shows_the_statement_and_rebates(client, world):
    _admin, sellers, _spiff, programme = world
    client.force_login(sellers[0])
    page = client.get("/portal/money/?period=year").content.decode()
    assert "Q SPIFF" in page
    assert programme.name in page
    assert page.count('data-testid="rebate"') == 1  # its own statement only


def test_an_empty_portal_says_what_will_come(client):
    user = partner_user(roles=[PartnerRole.LEARNER])
    client.force_login(user)
    assert "No SPIFF is running" in client.get("/portal/spiffs/").content.decode()
    assert 'data-testid="no-money"' in client.get("/portal/money/").content.decode()


def test_mine_through_the_api_lists_the_organisations_spiffs(client, world):
    _admin, sellers, _spiff, _programme = world
    response = client.get("/api/v1/spiffs/mine", headers=bearer(sellers[0]))
    body = response.json()
    assert response.status_code == 200
    assert sorted(
        (item["spiff"]["pay_in"], Decimal(item["units"])) for item in body
    ) == [("money", 2), ("points", 2)]


def test_a_spiff_with_a_bad_budget_is_refused_field_by_field(client):
    admin = VendorUserFactory(vendor_role="vendor_admin")
    product = ProductFactory()
    response = client.post(
        "/api/v1/spiffs",
        {
            "name": "Bad",
            "product": product.sku,
            "starts_on": "2026-03-31",
            "ends_on": "2026-01-01",
            "pay_in": "money",
            "rate": "5",
            "budget": "0",
        },
        content_type="application/json",
        headers=bearer(admin),
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"budget", "ends_on"} <= fields
    assert not Spiff.objects.exists()


def test_the_console_form_refuses_a_spiff_without_a_target(client):
    client.force_login(VendorUserFactory(vendor_role="channel_marketing"))
    response = client.post(
        "/console/spiffs/new/",
        {
            "name": "No target",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-31",
            "pay_in": "money",
            "rate": "5",
            "budget": "100",
        },
    )
    assert response.status_code == 200
    assert "Choose a product or a product line." in response.content.decode()
    assert not Spiff.objects.exists()


def test_finance_approves_and_exports_payouts_through_the_api(client, world):
    admin = world[0]
    headers = bearer(admin)
    payout = Payout.objects.order_by("id").first()
    response = client.post(
        f"/api/v1/payouts/{payout.public_id}/approve",
        {},
        content_type="application/json",
        headers=headers,
    )
    assert response.json()["status"] == PayoutStatus.APPROVED
    response = client.post(
        "/api/v1/payouts/export", content_type="application/json", headers=headers
    )
    body = response.json()
    assert body["count"] == 1
    assert body["csv"].splitlines()[0].startswith("payout_id,partner,")


def test_the_console_export_downloads_a_csv(client, world):
    admin = world[0]
    payout = Payout.objects.order_by("id").first()
    payouts.payout_review(actor=admin, payout=payout, approve=True)
    client.force_login(admin)
    response = client.post("/console/payouts/export/")
    assert response["Content-Type"].startswith("text/csv")
    assert len(response.content.decode().splitlines()) == 2


def test_rebate_calculation_through_the_api(client, world):
    admin, _sellers, _spiff, programme = world
    response = client.post(
        f"/api/v1/rebate-programmes/{programme.public_id}/calculations",
        {"on": timezone.localdate().isoformat(), "final": True},
        content_type="application/json",
        headers=bearer(admin),
    )
    assert response.status_code == 409  # the period has not ended
    assert RebateStatement.objects.filter(status="final").count() == 0
