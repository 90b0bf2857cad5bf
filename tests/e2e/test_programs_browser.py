"""A vendor admin enrols a partner in a programme and promotes it with a reason; the
partner's admin then sees the new tier, its benefits and the next tier's rules."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import (
    TierBenefitFactory,
    TierRequirementFactory,
    programme_with_tiers,
)
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_partner_is_enrolled_promoted_and_sees_its_tier(page):
    VendorUserFactory(email="ada@vendor.example")
    contoso = PartnerFactory(name="Contoso Solutions")
    MembershipFactory(partner=contoso, user__email="chris@contoso.example")
    programme = programme_with_tiers("Silver", "Gold", "Platinum", name="Reseller")
    gold = programme.tiers.get(name="Gold")
    TierBenefitFactory(tier=gold, kind="deal_protection_days", value=90)
    TierRequirementFactory(
        tier=programme.tiers.get(name="Platinum"),
        metric="certified_people",
        threshold=5,
    )

    sign_in(page, "ada@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name="Enrol a partner").click()
    page.get_by_label("Search partners").fill("Contoso")  # the picker asks the server
    page.get_by_label("Partner", exact=True).select_option(label="Contoso Solutions")
    page.get_by_label("Programme").select_option(label="Reseller")
    page.get_by_label("Tier").select_option(label="Reseller: Silver")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("current-tier")).to_have_text("Silver")
    page.get_by_label("New tier").select_option(label="Gold")
    page.get_by_label("Reason", exact=True).first.fill("Two certified engineers")
    page.get_by_role("button", name="Change tier").click()

    expect(page.get_by_test_id("current-tier")).to_have_text("Gold")
    expect(page.get_by_test_id("tier-history")).to_contain_text(
        "Two certified engineers"
    )
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "chris@contoso.example")
    page.get_by_test_id("portal-nav").get_by_role("link", name="Programme").click()
    expect(page.get_by_test_id("tier")).to_have_text("Gold")
    expect(page.get_by_test_id("enrolment")).to_contain_text(
        "Deal protection (days): 90 days"
    )
    expect(page.get_by_test_id("next-requirements")).to_contain_text(
        "Certified people is 0: at least"
    )
