"""A vendor admin narrows the audit trail to one partner by typing part of its
name in the partner picker, which asks the server for matches instead of
listing every partner; without JavaScript the search goes with the form."""

import re

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partners():
    for number in range(30):
        PartnerFactory(name=f"Partner {number:02d}")
    return PartnerFactory(name="Contoso Solutions"), PartnerFactory(name="Fabrikam")


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_typing_in_the_picker_finds_the_partner_to_filter_by(page, partners):
    contoso, _ = partners
    VendorUserFactory(email="alex@vendor.example")
    sign_in(page, "alex@vendor.example")
    page.goto("/console/audit/")
    picker = page.get_by_label("Partner", exact=True)
    expect(picker.locator("option")).to_have_count(1)  # "Any partner" alone

    page.get_by_label("Search partners").fill("conto")

    expect(picker.locator("option")).to_have_text(["Any partner", "Contoso Solutions"])
    expect(picker).to_have_value(str(contoso.pk))
    expect(page.locator("[data-picker-status]")).to_have_text("Matches: 1.")
    shoot(page, "partner-picker")
    page.get_by_label("Search partners").fill("partner")
    # The first 20 matches, after the partner chosen so far.
    expect(picker.locator("option")).to_have_count(22)
    expect(picker).to_have_value(str(Partner.objects.get(name="Partner 00").pk))
    picker.select_option(label="Partner 07")
    page.get_by_label("Search partners").fill("conto")
    expect(picker).to_have_value(str(contoso.pk))
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(rf"[?&]partner={contoso.pk}(&|$)"))
    expect(page.get_by_test_id("audit-entries").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("audit-entries")).to_contain_text("Contoso Solutions")
    expect(picker.locator("option")).to_have_text(["Any partner", "Contoso Solutions"])
    assert "partner_search" not in page.url


def test_without_javascript_the_search_goes_with_the_form(
    browser, live_server, partners
):
    VendorUserFactory(email="alex@vendor.example")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, "alex@vendor.example")
    page.goto("/console/audit/")

    page.get_by_label("Search partners").fill("conto")
    page.get_by_role("button", name="Filter").click()

    expect(
        page.get_by_text("Choose one of the partners that match “conto”.")
    ).to_be_visible()
    picker = page.get_by_label("Partner", exact=True)
    expect(picker.locator("option")).to_have_text(["Any partner", "Contoso Solutions"])
    picker.select_option(label="Contoso Solutions")
    page.get_by_label("Search partners").fill("")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("audit-entries").locator("tbody tr")).to_have_count(1)
    context.close()
