"""A partner registers a deal that conflicts with another partner's registration
and sees why; a reviewer opens the review queue, sees the conflict and its reasons,
and approves the other registration."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.deals import services
from openprm.deals.tests.factories import make_deal, seller
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_conflicting_registration_shows_why_and_the_other_is_approved(page):
    VendorUserFactory(email="rita@vendor.example", full_name="Rita Reviewer")
    first = PartnerFactory(name="Bolt Networks")
    other = make_deal(
        partner=first,
        title="Acme firewall",
        customer_name="ACME Corp.",
        domain="acme.com",
        product_lines=("security",),
    )
    user = seller(PartnerFactory(name="Crest Systems"))
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    sign_in(page, user.email)
    page.get_by_test_id("portal-nav").get_by_role("link", name="Deals").click()
    page.get_by_role("link", name="Register a deal").click()
    page.get_by_label("Opportunity").fill("Acme security refresh")
    page.get_by_label("Customer company").fill("Acme Corporation")
    page.get_by_label("Customer web domain").fill("www.acme.com")
    page.get_by_label("Currency").select_option("EUR")
    close = timezone.localdate() + timedelta(days=40)
    page.get_by_label("Expected close date").fill(close.isoformat())
    page.locator("select[name=line0_product_line]").select_option("security")
    page.locator("input[name=line0_quantity]").fill("20")
    page.locator("input[name=line0_amount]").fill("36000")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_text("Registered, with possible conflicts")).to_be_visible()
    reasons = page.get_by_test_id("conflict-reason")
    expect(reasons.filter(has_text="Same customer domain: acme.com")).to_be_visible()
    expect(reasons.filter(has_text="Same product line: security")).to_be_visible()
    conflict = page.get_by_test_id("conflict")
    expect(conflict).to_contain_text("A registration by another partner")
    expect(conflict).not_to_contain_text("Bolt Networks")
    expect(conflict.get_by_test_id("conflict-status")).to_have_text("Submitted")
    expect(page.get_by_test_id("status")).to_have_text("Submitted")

    sign_in(page, "rita@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Deals").click()
    rows = page.get_by_test_id("deal-row")
    expect(rows).to_have_count(2)
    page.get_by_role("link", name="Acme security refresh").click()
    conflict = page.get_by_test_id("conflict")
    expect(conflict.get_by_role("link", name="Acme firewall")).to_be_visible()
    expect(conflict).to_contain_text("Bolt Networks")
    conflict.get_by_role("link", name="Acme firewall").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The registration was approved.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    expect(page.get_by_test_id("protected-until")).to_be_visible()

    other.refresh_from_db()
    assert other.status == "approved"


def test_the_partner_is_warned_while_filling_in_and_the_reviewer_cannot_approve(
    page,
):
    VendorUserFactory(email="rita@vendor.example", full_name="Rita Reviewer")
    holder = make_deal(
        partner=PartnerFactory(name="Bolt Networks"),
        title="Acme firewall",
        customer_name="ACME Corp.",
        domain="acme.com",
        product_lines=("security",),
    )
    services.deal_approve(actor=VendorUserFactory(), deal=holder)
    holder.refresh_from_db()
    until = holder.protected_until.strftime("%-d %b %Y")
    user = seller(PartnerFactory(name="Crest Systems", country="NO"))
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    sign_in(page, user.email)
    page.goto("/portal/deals/register/")
    preview = page.get_by_test_id("conflict-preview")
    expect(preview).to_contain_text("as you fill in the customer")
    expect(page.get_by_label("Currency")).to_have_value("NOK")
    page.get_by_label("Opportunity").fill("Acme security refresh")
    page.get_by_label("Customer company").fill("Acme Corporation")
    page.get_by_label("Customer web domain").fill("acme.com")
    page.get_by_label("Customer country").select_option(label="Norway")
    expect(preview.get_by_test_id("preview-conflict")).to_have_count(1)
    expect(preview).to_contain_text("A registration by another partner")
    expect(preview.get_by_test_id("conflict-status")).to_have_text("Approved")
    expect(preview).not_to_contain_text("Bolt")
    page.locator("select[name=line0_product_line]").select_option("security")
    expect(preview.get_by_test_id("preview-blocking")).to_contain_text(
        f"Another registration is protected until {until}."
    )
    close = timezone.localdate() + timedelta(days=40)
    page.get_by_label("Expected close date").fill(close.isoformat())
    page.locator("input[name=line0_amount]").fill("36000")
    shoot(page, "deal-register-conflict")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_test_id("blocking")).to_contain_text(
        "cannot be approved while that protection lasts"
    )

    sign_in(page, "rita@vendor.example")
    page.goto("/console/deals/review/")
    page.get_by_role("link", name="Acme security refresh").click()
    expect(page.get_by_test_id("blocking")).to_contain_text("Bolt Networks")
    expect(page.get_by_test_id("approve-unavailable")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_be_visible()
    shoot(page, "deal-review-blocked")
