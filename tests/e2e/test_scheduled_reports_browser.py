"""An analyst saves the Performance page's filters as a monthly PDF report for
a channel manager and herself, sends it now, and each receives the figures they
may see: the channel manager only their own partner."""

import io

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.metrics.tests.test_api import figures
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def pdf_text(content: bytes) -> str:
    return "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )


def test_a_report_saved_from_its_page_reaches_each_recipient_in_their_scope(page):
    VendorUserFactory(email="ana@vendor.example", vendor_role="analyst")
    manager = VendorUserFactory(
        email="cm@vendor.example", vendor_role="channel_manager", full_name="Cem"
    )
    mine = PartnerFactory(name="Nordlicht", region="EMEA", channel_manager=manager)
    theirs = PartnerFactory(name="Fjordline", region="EMEA")
    figures(mine, won_revenue="1200", deals_won="3")
    figures(theirs, won_revenue="800", deals_won="1")
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    sign_in(page, "ana@vendor.example")
    page.goto("/console/insights/?region=EMEA")
    page.get_by_test_id("save-scheduled-report").click()
    page.get_by_label("Name").fill("EMEA partners, monthly")
    page.get_by_label("Table").select_option(label="Top partners")
    expect(page.get_by_label("Region")).to_have_value("EMEA")
    page.get_by_label("PDF", exact=True).check()
    page.get_by_label("Monthly", exact=True).check()
    page.get_by_label("Monthly, on day").fill("31")
    page.get_by_label("Recipients").select_option(
        ["ana@vendor.example", "cm@vendor.example"]
    )
    shoot(page, "scheduled-report-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("“EMEA partners, monthly” is scheduled")).to_be_visible()

    table = page.get_by_test_id("scheduled-reports")
    expect(table).to_contain_text("Monthly, day 31")
    expect(table).to_contain_text("cm@vendor.example")
    shoot(page, "scheduled-reports")
    table.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("Sent to 2 recipient(s).")).to_be_visible()

    attached = {
        message.to[0]: pdf_text(message.attachments[0][1]) for message in mail.outbox
    }
    assert "Fjordline" in attached["ana@vendor.example"]
    assert "Nordlicht" in attached["ana@vendor.example"]
    assert "Nordlicht" in attached["cm@vendor.example"]
    assert "Fjordline" not in attached["cm@vendor.example"]


def test_the_schedules_fit_a_phone(phone_page):
    from openprm.reports.tests.factories import scheduled_report

    owner = VendorUserFactory(email="ana@vendor.example", vendor_role="analyst")
    scheduled_report(owner=owner, name="Weekly performance")
    page = phone_page
    page.set_default_timeout(30_000)

    sign_in(page, "ana@vendor.example")
    page.goto("/console/insights/scheduled-reports/")

    expect(page.get_by_text("Weekly performance")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
