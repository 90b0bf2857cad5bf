"""Channel marketing defines an audience in the browser with the rule builder,
watches its reach follow the conditions and the roles, saves it, then asks why a
partner is in it."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.models import StaticListMember
from openprm.segments.tests.factories import StaticListFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page):
    VendorUserFactory(email="mia@vendor.example", vendor_role="channel_marketing")
    page.goto("/")
    page.get_by_label("Email").fill("mia@vendor.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_audience_previews_its_reach_then_explains_a_partner(page):
    contoso = PartnerFactory(name="Contoso Solutions", region="EMEA")
    fabrikam = PartnerFactory(name="Fabrikam GmbH", region="EMEA")
    PartnerFactory(name="Northwind Inc", region="NA", country="US")
    MembershipFactory(partner=contoso, roles=["marketing"])
    MembershipFactory(partner=contoso, roles=["technical"])
    MembershipFactory(partner=fabrikam, roles=["sales"])
    key_accounts = StaticListFactory(name="Key accounts")
    StaticListMember.objects.create(segment=key_accounts, partner=contoso)
    sign_in(page)

    page.get_by_test_id("console-nav").get_by_role("link", name="Audiences").click()
    page.get_by_role("link", name="New audience").click()
    page.get_by_label("Name").fill("EMEA key accounts")
    page.get_by_role("button", name="Add condition").click()
    page.get_by_label("Field 1").select_option("region")
    expect(page.get_by_label("Value 1").locator("option[value=EMEA]")).to_have_count(1)
    page.get_by_label("Value 1").select_option("EMEA")
    expect(page.get_by_test_id("reach")).to_have_text("Reaches 2 partners")
    expect(page.get_by_test_id("reach-users")).to_have_text("3 users")

    page.get_by_role("button", name="Add condition").click()
    expect(page.get_by_test_id("rule-row")).to_have_count(2)
    page.get_by_label("Field 2").select_option("segment")
    expect(page.get_by_label("Value 2")).to_contain_text("Key accounts")
    page.get_by_label("Value 2").select_option(label="Key accounts")
    expect(page.get_by_test_id("reach")).to_have_text("Reaches 1 partner")
    page.get_by_label("Technical").check()
    expect(page.get_by_test_id("reach-users")).to_have_text("1 user")
    page.get_by_role("button", name="Save").click()

    row = page.get_by_test_id("audience-row")
    expect(row).to_contain_text("EMEA key accounts")
    expect(row.get_by_test_id("reach-partners")).to_have_text("1")
    expect(row.get_by_test_id("reach-users")).to_have_text("1")

    page.get_by_role("link", name="Explain a partner").click()
    page.get_by_label("Partner name").fill("contoso")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Contoso Solutions").click()
    holding = page.get_by_test_id("holding")
    expect(holding).to_contain_text("EMEA key accounts")
    expect(holding.get_by_test_id("reasons")).to_contain_text("Region is EMEA")
    expect(holding.get_by_test_id("reasons")).to_contain_text("Segment is Key accounts")
