"""Channel marketing writes a campaign in the browser, sends a test, schedules it;
the worker sends it through a real SMTP server; a prospect follows the tracked link
to the application form; the funnel and the author's notification show it."""

import re

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.campaigns import sending
from openprm.campaigns.tests.factories import prospect
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.segments.tests.factories import StaticListFactory
from openprm.testing.smtp import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_campaign_from_draft_to_a_click_on_its_tracked_link(page, smtp_server):
    VendorUserFactory(email="mia@vendor.example", vendor_role="channel_marketing")
    segment = StaticListFactory(name="Spring prospects")
    ProgrammeFactory(name="Reseller programme", slug="reseller")
    prospect(segment, email="ada@acme.example", name="Ada Lovelace")
    prospect(segment, email="bob@bolt.example", name="Bob")
    page.set_default_timeout(30_000)  # the shared test machine is often loaded
    page.goto("/")
    page.get_by_label("Email").fill("mia@vendor.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_test_id("console-nav").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Spring outreach")
    page.get_by_label("Segment or list").select_option(label="Spring prospects")
    page.get_by_label("Programme").select_option(label="Reseller programme")
    page.get_by_label("Subject").fill("{{ company }}, join {{ programme }}")
    page.get_by_label("Message").fill("Hello {{ contact }}, apply today.")
    page.get_by_role("button", name="Save draft").click()

    page.get_by_test_id("test-send").click()
    expect(page.get_by_text("A test email is on its way to you.")).to_be_visible()
    [test_message] = smtp_server.to("mia@vendor.example")
    assert test_message["Subject"].startswith("[TEST] ")

    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("Scheduled")
    assert sending.run() == 2  # what the worker's sweep does

    [email] = smtp_server.to("ada@acme.example")
    assert "Hello Ada Lovelace, apply today." in body_text(email)
    link = re.search(r"https?://\S+/c/t/\S+/", body_text(email)).group(0)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/apply/reseller/\?c="))

    page.go_back()
    page.reload()
    expect(page.get_by_test_id("campaign-status")).to_have_text("Sent")
    funnel = page.get_by_test_id("funnel")
    expect(funnel.locator('[data-step="sent"]')).to_have_text("2")
    expect(funnel.locator('[data-step="clicked"]')).to_have_text("1")
    expect(page.get_by_test_id("unread-count")).to_contain_text("1")
    assert page.locator("#campaign-funnel").evaluate("c => c.width > 0")
