"""A partner admin of an onboarding partner works through the checklist: accepts the
terms on their page, uploads the requested document, and the organisation becomes
active in the programme's entry tier, with the partner resources unlocked."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.agreements.tests.factories import AgreementVersionFactory
from openprm.journeys import services
from openprm.journeys.choices import TaskKind
from openprm.journeys.tests.factories import TaskTemplateFactory
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import Enrolment
from openprm.programs.tests.factories import programme_with_tiers
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_checklist_completes_itself_and_the_partner_becomes_active(page):
    manager = UserFactory(vendor_role="channel_manager")
    partner = PartnerFactory(
        name="Contoso Solutions",
        status=PartnerStatus.ONBOARDING,
        channel_manager=manager,
    )
    MembershipFactory(partner=partner, user__email="chris@contoso.example")
    programme = programme_with_tiers("Registered", "Gold", name="Reseller")
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.AGREEMENT, title="Accept the terms"
    )
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.DOCUMENT, title="Upload your VAT number"
    )
    AgreementVersionFactory(
        document__programme=programme,
        document__title="Reseller agreement",
        text="1. Resell the products.",
    )
    services.journey_start(partner=partner, programme=programme)

    page.goto("/")
    page.get_by_label("Email").fill("chris@contoso.example")
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Onboarding", exact=True).click()
    expect(page.get_by_test_id("progress")).to_have_text("0 / 2")

    page.get_by_role("link", name="Read and accept").click()
    page.get_by_role("link", name="Read and accept").click()
    expect(page.get_by_test_id("agreement-text")).to_contain_text("Resell the products")
    page.get_by_label("Your job title").fill("Managing director")
    page.get_by_role("button", name="I accept").click()
    expect(page.get_by_test_id("agreement")).to_contain_text("Accepted")

    page.get_by_role("link", name="Onboarding", exact=True).click()
    expect(page.get_by_test_id("progress")).to_have_text("1 / 2")
    page.get_by_label("Document").set_input_files(
        {"name": "vat.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 VAT"}
    )
    page.get_by_role("button", name="Upload").click()

    expect(page.get_by_test_id("progress")).to_have_text("2 / 2")
    page.get_by_role("link", name="Partner resources").click()
    expect(page.get_by_role("heading", name="Partner resources")).to_be_visible()
    assert Partner.objects.get(pk=partner.pk).status == PartnerStatus.ACTIVE
    assert Enrolment.objects.get(partner=partner).tier.name == "Registered"
