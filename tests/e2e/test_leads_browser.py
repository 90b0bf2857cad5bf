"""A vendor routes a lead; the first partner lets the acceptance SLA pass; the
sweep recalls it and it lands with the next partner, with the reasons visible at
each step, to the vendor and to each partner."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.tests.factories import (
    TEST_PASSWORD,
    UserFactory,
    VendorUserFactory,
)
from openprm.leads.services import recall_overdue_leads
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def seller(email: str, partner) -> None:
    MembershipFactory(user=UserFactory(email=email), partner=partner, roles=["sales"])


def test_a_lead_left_unanswered_is_recalled_and_lands_with_the_next_partner(page):
    VendorUserFactory(email="alex@vendor.example", vendor_role="channel_marketing")
    alpha = PartnerFactory(name="Alpha Systems")
    beta = PartnerFactory(name="Beta Networks")
    seller("ana@alpha.example", alpha)
    seller("ben@beta.example", beta)

    # The vendor writes a routing rule and creates a lead.
    sign_in(page, "alex@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Leads").click()
    page.get_by_role("link", name="Routing rules").click()
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Name", exact=True).fill("Germany")
    page.get_by_label("Strategy", exact=True).select_option("weighted")
    page.get_by_label("Countries", exact=True).select_option(["DE"])
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("rules")).to_contain_text("Germany")

    page.goto("/console/leads/new/")
    page.get_by_label("Company", exact=True).fill("Acme Retail GmbH")
    page.get_by_label("Country", exact=True).fill("DE")
    page.get_by_label("Region", exact=True).select_option("EMEA")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("lead-partner")).to_have_text("Alpha Systems")
    first = page.get_by_test_id("assignment").first
    expect(first.get_by_test_id("reasons")).to_contain_text(
        "Rule 'Germany' matches: country DE"
    )
    expect(first.get_by_test_id("passed-over")).to_contain_text("Beta Networks")
    lead_url = page.url
    page.get_by_role("button", name="Sign out").click()

    # Alpha sees the offer, why it got it and the time left — and does nothing.
    sign_in(page, "ana@alpha.example")
    page.get_by_test_id("portal-nav").get_by_role("link", name="Leads").click()
    page.get_by_role("link", name="Acme Retail GmbH").click()
    expect(page.get_by_test_id("deadline")).to_contain_text(
        re.compile(r"\d+ h \d+ min left to answer")
    )
    expect(page.get_by_test_id("reasons")).to_contain_text("Rule 'Germany' matches")
    page.get_by_role("button", name="Sign out").click()

    # Two days pass: the sweep recalls the lead and routes it on.
    assert recall_overdue_leads(now=timezone.now() + timedelta(hours=49)) == 1

    sign_in(page, "alex@vendor.example")
    page.goto(lead_url)
    expect(page.get_by_test_id("lead-partner")).to_have_text("Beta Networks")
    outcomes = page.get_by_test_id("assignment-outcome")
    expect(outcomes).to_have_text(["Recalled", "Waiting for an answer"])
    second = page.get_by_test_id("assignment").nth(1)
    expect(second.get_by_test_id("passed-over")).to_contain_text(
        "Alpha Systems — let this lead's acceptance time pass before"
    )
    expect(page.get_by_test_id("timeline")).to_contain_text("Recalled")
    page.goto("/console/leads/capacity/")
    expect(page.get_by_test_id("capacity")).to_contain_text("Alpha Systems")
    page.get_by_role("button", name="Sign out").click()

    # Alpha no longer has it; Beta sees it with its own reasons and accepts.
    sign_in(page, "ana@alpha.example")
    page.goto("/portal/leads/")
    expect(page.get_by_test_id("record")).to_contain_text("1 recalled of 1 offers")
    expect(page.get_by_text("Acme Retail GmbH")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "ben@beta.example")
    page.goto("/portal/leads/")
    page.get_by_role("link", name="Acme Retail GmbH").click()
    expect(page.get_by_test_id("reasons")).to_contain_text("Rule 'Germany' matches")
    expect(page.get_by_text("Alpha Systems")).to_have_count(0)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("Accepted")
