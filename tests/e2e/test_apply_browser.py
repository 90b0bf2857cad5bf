"""A company that wants to become a partner: from the sign-in page to the list of
programmes under the vendor's branding, then the application with its consent box,
the country chosen by name and the region derived from it."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import branding
from openprm.onboarding.models import Application
from openprm.partners.tests.profile_helpers import png_upload
from openprm.programs.tests.factories import (
    ProgrammeFactory,
    TierBenefitFactory,
    TierFactory,
)
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_company_finds_the_programmes_and_applies_with_consent(
    page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    branding.branding_update(
        actor=VendorUserFactory(),
        vendor_name="Acme Networks",
        primary_colour="#7a1fa2",
        privacy_notice_url="https://acme.example/privacy",
        programme_pitch="Grow with the network vendor partners recommend.",
        logo=png_upload(size=(96, 32)),
    )
    programme = ProgrammeFactory(
        name="Acme Resell",
        slug="resell",
        description="For resellers of Acme switches and firewalls.",
        eligible_partner_types=["reseller"],
    )
    gold = TierFactory(programme=programme, name="Gold", rank=2)
    TierBenefitFactory(tier=gold, kind="deal_protection_days", value=120)
    TierBenefitFactory(tier=gold, kind="discount_percent", value="15")
    TierFactory(programme=programme, name="Registered", rank=1)
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in to Acme Networks")).to_be_visible()
    page.get_by_role("link", name="Become a partner").click()
    expect(page.get_by_role("heading", name="Become a partner of Acme Networks"))
    expect(page.get_by_test_id("programme-card")).to_have_count(1)
    expect(page.get_by_test_id("benefit").first).to_contain_text("Deal protection")
    shoot(page, "apply-index")

    page.get_by_role("link", name="Apply to Acme Resell").click()
    page.get_by_label("Company").fill("Fjord Networks AS")
    page.get_by_label("Country").select_option(label="Norway")
    page.get_by_label("Reseller").check()
    page.get_by_label("Your name").fill("Nora Fjord")
    page.get_by_label("Your email address").fill("nora@fjord.example")
    expect(page.get_by_test_id("privacy-link")).to_have_attribute(
        "href", "https://acme.example/privacy"
    )
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_test_id("error-consent")).to_be_visible()
    assert Application.objects.count() == 0
    shoot(page, "apply-form")

    page.get_by_label("I agree that Acme Networks processes").check()
    page.get_by_role("button", name="Send application").click()
    expect(page).to_have_url("/apply/resell/thanks/")
    application = Application.objects.get()
    assert (application.country, application.region) == ("NO", "EMEA")
    assert application.privacy_notice_url == "https://acme.example/privacy"
    assert application.consented_at is not None
