"""A vendor defines a segment in the browser, watches the count while typing the
rule, saves it and sees its members."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_segment_previews_its_count_while_editing_then_lists_its_members(page):
    VendorUserFactory(email="alex@vendor.example")
    PartnerFactory(name="Contoso Solutions", region="EMEA")
    PartnerFactory(name="Fabrikam Inc", region="NA", country="US")
    page.set_default_timeout(30_000)  # the shared test machine is often loaded
    page.goto("/")
    page.get_by_label("Email").fill("alex@vendor.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_test_id("console-nav").get_by_role("link", name="Segments").click()
    page.get_by_role("link", name="New segment").click()
    page.get_by_label("Name").fill("EMEA partners")
    # The JSON stays at hand for rules the rows cannot show.
    page.get_by_text("The rule as JSON").click()
    page.get_by_role("button", name="Edit as JSON instead").click()
    rule = page.get_by_label("Rule as JSON")
    rule.fill('{"field": "region", "op": "eq", "value": "EMEA"}')
    rule.press("End")

    expect(page.get_by_test_id("preview")).to_have_text("1 partner matches")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("member-total")).to_have_text("1 partner")
    expect(page.get_by_role("cell", name="Contoso Solutions")).to_be_visible()
    page.get_by_role("link", name="Segments").first.click()
    expect(page.get_by_test_id("member-count")).to_have_text("1")


def test_condition_rows_build_the_rule_and_the_count_follows(page):
    VendorUserFactory(email="alex@vendor.example")
    PartnerFactory(name="Contoso Solutions", region="EMEA")
    PartnerFactory(name="Fabrikam Inc", region="NA", country="US")
    page.set_default_timeout(30_000)  # the shared test machine is often loaded
    page.goto("/")
    page.get_by_label("Email").fill("alex@vendor.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/console/segments/new/")

    page.get_by_label("Name").fill("EMEA or NA")
    expect(page.get_by_test_id("rule-empty")).to_be_visible()
    expect(page.get_by_test_id("rule-builder")).not_to_contain_text("Give")
    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_test_id("rule-row")).to_have_count(1)
    expect(page.get_by_test_id("rule-row-error")).to_have_count(0)
    page.get_by_label("Field 1").select_option("region")
    value = page.get_by_label("Value 1")
    expect(value.locator("option[value=EMEA]")).to_have_count(1)
    value.select_option("EMEA")
    expect(page.get_by_test_id("preview")).to_have_text("1 partner matches")
    page.get_by_label("Operator 1").select_option("in")
    expect(page.get_by_test_id("rule-value")).to_have_attribute("data-widget", "multi")
    page.get_by_label("Value 1").select_option(["EMEA", "NA"])
    expect(page.get_by_test_id("preview")).to_have_text("2 partners match")
    page.get_by_role("button", name="Add condition").click()
    page.get_by_label("Field 2").select_option("country")
    expect(page.get_by_label("Value 2").locator("option[value=US]")).to_have_count(1)
    page.get_by_label("Value 2").select_option("US")
    expect(page.get_by_test_id("preview")).to_have_text("1 partner matches")
    shoot(page, "segment-builder")
    page.get_by_test_id("rule-row").nth(1).get_by_test_id("rule-remove").click()
    expect(page.get_by_test_id("rule-row")).to_have_count(1)
    expect(page.get_by_test_id("preview")).to_have_text("2 partners match")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("member-total")).to_have_text("2 partners")
