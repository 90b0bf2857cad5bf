"""A vendor admin defines a scorecard in the browser, recomputes every score, and
sees prospects ranked by fit with the reasons; the partner page shows them too."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_scorecard_ranks_prospects_by_fit_with_reasons(page):
    VendorUserFactory(email="ada@vendor.example")
    PartnerFactory(
        name="Contoso Security",
        status="prospect",
        profile={"specialisations": ["security"]},
    )
    PartnerFactory(name="Fabrikam", status="prospect")
    PartnerFactory(
        name="Northwind", status="active", profile={"specialisations": ["security"]}
    )

    sign_in(page, "ada@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Scorecards").click()
    page.get_by_role("link", name="New scorecard").click()
    page.get_by_label("Name").fill("Security fit")
    page.get_by_role("button", name="Save").click()
    page.get_by_label("Label").fill("Specialisations")
    page.get_by_label("Field").select_option("specialisations")
    page.get_by_label("Kind").select_option("contains_any")
    page.get_by_label("Weight").fill("2")
    page.get_by_label("Points").fill("security = 80")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("criteria")).to_contain_text("security = 80")

    page.get_by_test_id("console-nav").get_by_role("link", name="Scorecards").click()
    page.get_by_test_id("recompute-all").click()
    expect(page.get_by_test_id("run-progress")).to_contain_text("Finished.")

    page.get_by_test_id("console-nav").get_by_role("link", name="Scorecards").click()
    page.get_by_role("link", name="Ranking").click()
    page.get_by_label("Status").select_option("prospect")
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_test_id("ranking").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Contoso Security")
    expect(rows.first).to_contain_text("80.00")
    expect(rows.first).to_contain_text("Specialisations include security")

    rows.first.get_by_role("link", name="Contoso Security").click()
    expect(page.get_by_test_id("partner-scores")).to_contain_text("Security fit")
