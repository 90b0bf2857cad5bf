"""A vendor admin finds a duplicate partner, merges it into the original, then
suspends the original with a reason."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_duplicate_is_found_merged_and_the_original_suspended(page):
    VendorUserFactory(email="ada@vendor.example")
    original = PartnerFactory(name="Contoso Ltd.", website="https://contoso.example")
    duplicate = PartnerFactory(name="contoso limited")
    MembershipFactory(partner=duplicate, user__email="chris@contoso.example")

    sign_in(page, "ada@vendor.example")
    page.goto("/console/partners/duplicates/")
    page.get_by_label("Name").fill("Contoso Limited")
    page.get_by_label("Website or domain").fill("www.contoso.example")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("duplicate-candidates")).to_contain_text(
        "Same website domain: contoso.example."
    )

    page.goto(
        f"/console/partners/{original.public_id}/merge/?duplicate={duplicate.public_id}"
    )
    expect(page.get_by_test_id("merge-preview")).to_contain_text("tenancy.membership")
    page.get_by_role("button", name="Merge").click()
    expect(
        page.get_by_text("contoso limited was merged into Contoso Ltd.")
    ).to_be_visible()

    page.goto(f"/console/partners/{original.public_id}/status/")
    page.get_by_label("New status").select_option(label="Suspended")
    page.get_by_label("Reason").fill("Compliance review")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Contoso Ltd. is now Suspended.")).to_be_visible()

    assert Partner.objects.get(pk=original.pk).status == "suspended"
    assert Partner.objects.get(pk=duplicate.pk).status == "terminated"
