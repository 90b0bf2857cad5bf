"""A partner requests 10,000 EUR for a webinar; two approvers approve it on the
approval engine (channel marketing, then the marketing director because the
amount crosses the 5,000 EUR band); the partner claims
8,000 with an invoice and an attendee list as the last claim; finance approves
the payout and records it; 2,000 are available again; the request's ROI shows the
deal the partner attributed to it and the vendor approved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.approvals.tests.factories import ChainStepFactory
from openprm.deals.choices import DealStatus
from openprm.deals.tests.factories import make_deal
from openprm.funds import services
from openprm.funds.models import FundRequest
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = f.PDF
CSV = f.CSV


def sign_in(page, email):
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_request_approve_claim_pay_and_roi(page, tmp_path):
    f.activity_type()  # a live-server test's flushed database has lost migration data
    partner = PartnerFactory(name="Contoso")
    budget = f.budget("100000.00")
    f.allocate(partner, budget, "12000.00")
    ada = f.marketer(partner)
    VendorUserFactory(email="rita@vendor.example", vendor_role="channel_marketing")
    VendorUserFactory(email="fin@vendor.example", vendor_role="finance")
    dora = VendorUserFactory(email="dora@vendor.example", vendor_role="finance")
    ChainStepFactory(kind=services.REQUEST_KIND, position=1, name="Channel marketing")
    ChainStepFactory(
        kind=services.REQUEST_KIND,
        position=2,
        name="Marketing director",
        user=dora,
        currency="EUR",
        min_amount=Decimal("5000"),
    )
    make_deal(
        partner=partner,
        title="Fabrikam firewall",
        amount=Decimal("30000.00"),
        status=DealStatus.WON,
    )
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    attendees = tmp_path / "attendees.csv"
    attendees.write_bytes(CSV)
    today = timezone.localdate()
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    sign_in(page, ada.email)
    page.get_by_test_id("portal-nav").get_by_role("link", name="Funds").click()
    expect(page.get_by_test_id("fund-available")).to_have_text("12,000.00 EUR")
    page.get_by_role("link", name="Request funds").click()
    shoot(page, "portal-fund-request-new")
    page.get_by_label("Activity").select_option(label="Webinar")
    page.get_by_label("Title").fill("Zero-trust webinar")
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + timedelta(days=1)).isoformat())
    page.get_by_label("Planned cost 1").fill("Platform")
    page.get_by_label("Amount 1").fill("4000")
    page.get_by_label("Planned cost 2").fill("Promotion")
    page.get_by_label("Amount 2").fill("6000")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your request was sent for review.")).to_be_visible()

    sign_in(page, "rita@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Fund requests").click()
    page.get_by_role("link", name="Zero-trust webinar").click()
    page.get_by_role("button", name="Approve this step").click()
    approval = page.get_by_test_id("approval")
    expect(approval).to_contain_text("Step 2: Marketing director")
    expect(approval).to_contain_text("dora@vendor.example")

    sign_in(page, "dora@vendor.example")
    page.goto("/console/approvals/")
    page.get_by_role("link", name="Zero-trust webinar").click()
    page.get_by_role("button", name="Approve this step").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Approved")

    sign_in(page, ada.email)
    page.goto("/portal/funds/")
    expect(page.get_by_test_id("fund-available")).to_have_text("2,000.00 EUR")
    expect(page.get_by_test_id("fund-committed")).to_have_text("10,000.00 EUR")
    page.get_by_role("link", name="Zero-trust webinar").click()
    page.get_by_role("link", name="Claim funds").click()
    page.get_by_label("Amount claimed").fill("8000")
    page.get_by_label("Invoices").set_input_files(str(invoice))
    page.get_by_label("Proof of performance").set_input_files(str(attendees))
    page.get_by_label("This is the last claim").check()
    page.get_by_role("button", name="Submit the claim").click()
    expect(page.get_by_text("Your claim was sent for review.")).to_be_visible()
    page.get_by_label("Deal or lead this activity produced").select_option(
        label="Deal: Fabrikam firewall"
    )
    page.get_by_role("button", name="Propose").click()
    expect(page.get_by_text("Sent to the vendor for approval.")).to_be_visible()

    sign_in(page, "rita@vendor.example")
    request = FundRequest.objects.get()
    page.goto(f"/console/funds/requests/{request.public_id}/")
    page.get_by_test_id("fund-attributions").get_by_role(
        "button", name="Approve"
    ).click()
    page.get_by_test_id("fund-claims").get_by_role("link").first.click()
    page.get_by_role("button", name="Approve this step").click()
    expect(page.locator("h1")).to_contain_text("Approved")

    sign_in(page, "fin@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Fund payouts").click()
    shoot(page, "fund-payouts")
    page.get_by_role("button", name="Approve payout").click()
    page.get_by_label("Payment reference").fill("SEPA-42")
    page.get_by_role("button", name="Paid").click()
    expect(page.get_by_text("The payment was recorded.")).to_be_visible()

    sign_in(page, ada.email)
    page.goto("/portal/funds/")
    expect(page.get_by_test_id("fund-available")).to_have_text("4,000.00 EUR")
    expect(page.get_by_test_id("fund-paid")).to_have_text("8,000.00 EUR")
    expect(page.get_by_test_id("fund-committed")).to_have_text("0.00 EUR")
    shoot(page, "portal-funds")
    page.get_by_role("link", name="Zero-trust webinar").click()
    roi = page.get_by_test_id("fund-roi")
    expect(roi.get_by_test_id("fund-won")).to_have_text("30,000.00 EUR")
    expect(roi.get_by_test_id("fund-roi-ratio")).to_have_text("275.0 %")
    shoot(page, "portal-fund-request")
