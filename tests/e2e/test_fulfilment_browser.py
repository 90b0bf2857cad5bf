"""A partner uploads sales data with one bad row (reported; the rest imported);
the points appear with their reasons; the seller redeems a reward; the fulfilment
service (a real HTTP receiver in this process) gets the order as a signed
webhook, verifies it with the ``standardwebhooks`` library and calls back
"shipped", signed; the order shows it, in the portal and in the console."""

import json
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.incentives import rewards
from openprm.incentives.tests.factories import (
    EarningRuleFactory,
    ProductFactory,
    RewardFactory,
)
from openprm.integrations.tests.factories import WebhookEndpointFactory
from openprm.integrations.tests.receiver import Receiver
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SALES = (
    "invoice_number,invoice_date,end_customer,sku,quantity,amount,currency\n"
    "INV-100,2026-11-02,Fabrikam,NAS-4,1,90.00,EUR\n"
    "INV-101,2026-11-09,Northwind,NAS-9,1,90.00,EUR\n"
    "INV-102,2026-11-16,Tailspin,NAS-4,2,180.00,EUR\n"
)


def sign_in(page, email):
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def call_back(base_url, secret, order_id, body: dict) -> dict:
    """The service's signed callback, over HTTP, signed by the reference library."""
    raw = json.dumps(body)
    now = datetime.now(tz=UTC)
    request = urllib.request.Request(  # noqa: S310 (the live server's http URL)
        f"{base_url}/api/v1/redemptions/{order_id}/fulfilment-callbacks",
        data=raw.encode(),
        method="POST",
        headers={
            "content-type": "application/json",
            "webhook-id": "msg_shipped_1",
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": Webhook(secret).sign("msg_shipped_1", now, raw),
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def test_sales_points_redemption_and_signed_fulfilment(page, live_server, tmp_path):
    product = ProductFactory(sku="NAS-4", name="NAS 4-bay")
    EarningRuleFactory(name="NAS units sold", product=product, points=Decimal(60))
    partner = PartnerFactory(name="Contoso")
    seller = partner_user(partner=partner, roles=[PartnerRole.SALES])
    admin = VendorUserFactory(email="rita@vendor.example", vendor_role="vendor_admin")
    RewardFactory(name="Noise-cancelling headphones", points_price=150, stock=3)
    sales_file = tmp_path / "november.csv"
    sales_file.write_text(SALES)
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    with Receiver() as receiver:
        endpoint = WebhookEndpointFactory(
            url=receiver.url,
            description="Fulfilment house",
            event_types=["redemption.submitted"],
        )
        rewards.fulfilment_configure(
            actor=admin,
            provider="webhook",
            options={"endpoint": str(endpoint.public_id)},
            is_default=True,
        )

        sign_in(page, seller.email)
        page.get_by_test_id("portal-nav").get_by_role("link", name="Sales data").click()
        page.get_by_label("File").set_input_files(str(sales_file))
        page.get_by_role("button", name="Upload").click()
        counts = page.get_by_test_id("upload-counts")
        expect(counts).to_contain_text("Done")
        expect(counts).to_contain_text("2 imported")
        expect(counts).to_contain_text("1 not imported")
        expect(counts).to_contain_text("180 points earned")
        issues = page.get_by_test_id("issues").locator("tbody tr")
        expect(issues).to_have_count(1)
        expect(issues).to_contain_text("Unknown SKU “NAS-9”.")
        shoot(page, "fulfilment-1-sales-upload")

        page.get_by_test_id("portal-nav").get_by_role(
            "link", name="My earnings"
        ).click()
        ledger = page.get_by_test_id("ledger")
        expect(ledger.get_by_text("NAS units sold")).to_have_count(2)
        expect(ledger).to_contain_text("+120")
        expect(ledger).to_contain_text("+60")

        page.get_by_test_id("portal-nav").get_by_role("link", name="Rewards").click()
        page.get_by_role("button", name="Redeem").click()
        expect(page.get_by_text("Redeemed.")).to_be_visible()
        orders = page.get_by_test_id("orders")
        expect(orders).to_contain_text("Sent for fulfilment")

        assert receiver.wait_for_requests(1, timeout=30)
        delivered = receiver.requests[0]
        document = Webhook(endpoint.secret).verify(delivered.body, delivered.headers)
        assert document["type"] == "redemption.submitted"
        assert document["data"]["reward_name"] == "Noise-cancelling headphones"
        assert document["data"]["recipient"]["email"] == seller.email
        answer = call_back(
            live_server.url,
            endpoint.secret,
            document["data"]["id"],
            {"status": "shipped", "tracking": "1Z-4471", "note": "Left the warehouse"},
        )
        assert (answer["status"], answer["changed"]) == ("shipped", True)

    page.reload()
    expect(orders).to_contain_text("Shipped")
    shoot(page, "fulfilment-2-portal-rewards")
    orders.get_by_role("link", name="Noise-cancelling headphones").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Shipped")
    history = page.get_by_test_id("fulfilment-history")
    expect(history).to_contain_text("1Z-4471")
    expect(history).to_contain_text("Left the warehouse")
    expect(history).to_contain_text("The fulfilment service")
    shoot(page, "fulfilment-3-portal-order")

    # Shipped, not delivered: its points are pending, already out of the balance.
    page.get_by_test_id("portal-nav").get_by_role("link", name="My earnings").click()
    expect(page.get_by_test_id("balance")).to_have_text("30")
    expect(page.get_by_test_id("pending")).to_have_text("150")
    shoot(page, "fulfilment-3b-portal-earnings")

    sign_in(page, admin.email)
    page.goto("/console/incentives/rewards/")
    page.get_by_test_id("orders").get_by_role(
        "link", name="Noise-cancelling headphones"
    ).click()
    expect(page.get_by_test_id("order-status")).to_have_text("Shipped")
    expect(page.get_by_text("Fulfilled by: Signed webhook")).to_be_visible()
    shoot(page, "fulfilment-4-console-order")
    page.get_by_label("What happened").select_option(label="Delivered")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("order-status")).to_have_text("Delivered")
    page.goto("/console/incentives/fulfilment/")
    expect(page.get_by_test_id("provider-webhook")).to_contain_text("Default")
    shoot(page, "fulfilment-5-console-settings")

    page.get_by_test_id("console-nav").get_by_role("link", name="Leaderboard").click()
    page.get_by_label("Period").select_option(label="This year")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("leaderboard")).to_contain_text("Contoso")
    shoot(page, "fulfilment-6-console-leaderboard")
    page.goto("/console/incentives/rules/")
    page.get_by_role("link", name="Last quarter").click()
    expect(page.get_by_test_id("preview-points")).to_be_visible()
    shoot(page, "fulfilment-7-console-rule-preview")
