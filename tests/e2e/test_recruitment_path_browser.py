"""Issue 5, done when: the whole recruitment path in the browser, every email read
from a real SMTP server. A prospect in a static list receives the campaign (sent by
the worker's sweep), follows its tracked link, applies; the application is approved
in two steps by two vendor users; the applicant accepts the emailed invitation, signs
the agreement, uploads the document, the channel manager signs the manual task off,
and the partner is active in the programme's entry tier."""

import re
import time

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.agreements.tests.factories import AgreementVersionFactory
from openprm.campaigns import services as campaigns
from openprm.campaigns.models import Campaign
from openprm.campaigns.tests.factories import prospect
from openprm.core import sweeps
from openprm.journeys.choices import TaskKind
from openprm.journeys.tests.factories import TaskTemplateFactory
from openprm.onboarding.models import Application
from openprm.onboarding.tests.factories import (
    ApplicationQuestionFactory,
    ApprovalQueueFactory,
    ApprovalStepFactory,
    RoutingRuleFactory,
)
from openprm.partners.choices import PartnerStatus
from openprm.partners.models import Partner
from openprm.programs.models import Enrolment
from openprm.programs.tests.factories import programme_with_tiers
from openprm.segments.tests.factories import StaticListFactory
from openprm.testing.smtp import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NORA = "nora@northwind.example"


def wait_for_mail(smtp_server, to: str, subject: str, timeout: float = 30.0):
    """The one message to ``to`` whose subject contains ``subject``, once it arrives."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            message
            for message in smtp_server.to(to)
            if subject.lower() in str(message["Subject"]).lower()
        ]
        if found or time.monotonic() > deadline:
            assert len(found) == 1, (
                f"expected one email to {to} about {subject!r}, got "
                f"{[str(m['Subject']) for m in smtp_server.to(to)]}"
            )
            return found[0]
        time.sleep(0.2)


def link_in(message, pattern: str) -> str:
    return re.search(pattern, body_text(message)).group(0)


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def review_from_email(page, smtp_server, approver: str) -> None:
    """The approver is told by email, signs in and follows the email's link."""
    message = wait_for_mail(smtp_server, approver, "Application to review")
    sign_in(page, approver)
    page.goto(link_in(message, r"https?://\S+/console/applications/\S+/"))


def test_a_prospect_becomes_an_active_partner_through_the_browser(
    page, smtp_server, live_server, settings
):
    settings.OPENPRM_SITE_URL = live_server.url  # links in notification emails
    page.set_default_timeout(30_000)  # the shared test machine is often loaded
    marketer = UserFactory(email="mia@vendor.example", vendor_role="channel_marketing")
    manager = UserFactory(email="cm@vendor.example", vendor_role="channel_manager")
    lawyer = UserFactory(email="legal@vendor.example", vendor_role="analyst")
    programme = programme_with_tiers(
        "Registered",
        "Gold",
        name="Reseller",
        slug="reseller",
        eligible_partner_types=["reseller"],
    )
    ApplicationQuestionFactory(
        programme=programme,
        key="engineers",
        label="How many engineers?",
        kind="number",
        is_required=True,
    )
    RoutingRuleFactory(name="EMEA", regions=["EMEA"], user=manager)
    ApprovalStepFactory(programme=programme, position=1, name="Channel manager")
    ApprovalStepFactory(
        programme=programme,
        position=2,
        name="Legal",
        queue=ApprovalQueueFactory(name="Legal", members=[lawyer]),
    )
    AgreementVersionFactory(
        document__programme=programme,
        document__title="Reseller agreement",
        text="1. Resell the products.",
    )
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.AGREEMENT, title="Accept the terms"
    )
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.DOCUMENT, title="Upload your VAT number"
    )
    TaskTemplateFactory(
        programme=programme, kind=TaskKind.MANUAL, title="Kick-off call"
    )
    segment = StaticListFactory(name="Spring prospects")
    northwind = prospect(
        segment,
        email=NORA,
        name="Nora North",
        channel_manager=manager,
    )
    Partner.objects.filter(pk=northwind.pk).update(
        name="Northwind Traders", website="https://northwind.example"
    )
    campaigns.campaign_create(
        actor=marketer,
        name="Spring outreach",
        segment=segment,
        programme=programme,
        subject="{{ company }}, join {{ programme }}",
        body="Hello {{ contact }}, apply today.",
    )

    # Channel marketing schedules the draft; the worker's sweep sends it.
    sign_in(page, "mia@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Spring outreach").click()
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("Scheduled")
    sign_out(page)
    [send] = [s for s in sweeps.registered() if s.name == "campaigns.send"]
    assert sweeps.enqueue_due_sweeps(candidates=[send]) == ["campaigns.send"]

    campaign_email = wait_for_mail(smtp_server, NORA, "join Reseller")
    assert "Hello Nora North, apply today." in body_text(campaign_email)
    page.goto(link_in(campaign_email, r"https?://\S+/c/t/\S+/"))
    expect(page).to_have_url(re.compile(r"/apply/reseller/\?c="))

    # The prospect applies.
    page.get_by_label("Company").fill("Northwind Traders")
    page.get_by_label("Website or domain").fill("northwind.example")
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_label("Reseller").check()
    page.get_by_label("Your name").fill("Nora North")
    page.get_by_label("Your email address").fill(NORA)
    page.get_by_label("How many engineers?").fill("4")
    page.get_by_label("I agree that").check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_test_id("application-received")).to_be_visible()
    application = Application.objects.get()
    assert application.partner_id == northwind.pk  # attached to the prospect
    assert application.campaign_token
    wait_for_mail(smtp_server, NORA, "We received your application")
    wait_for_mail(smtp_server, "mia@vendor.example", "was sent")

    # Two steps, two vendor users.
    review_from_email(page, smtp_server, "cm@vendor.example")
    expect(page.get_by_test_id("routing-reason")).to_contain_text("Rule “EMEA”")
    page.get_by_test_id("approve").click()
    expect(page.get_by_role("alert")).to_contain_text("The step was approved.")
    sign_out(page)

    review_from_email(page, smtp_server, "legal@vendor.example")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Approved")
    sign_out(page)

    # The applicant accepts the invitation and works through the checklist.
    wait_for_mail(smtp_server, NORA, "was approved")
    invitation = wait_for_mail(smtp_server, NORA, "You are invited")
    page.goto(link_in(invitation, r"https?://\S+/invitations/[^/\s]+/"))
    page.get_by_label("Your name").fill("Nora North")
    page.get_by_label("Password", exact=True).fill("a long pass phrase 42")
    page.get_by_label("Password (again)").fill("a long pass phrase 42")
    page.get_by_role("button", name="Accept and sign in").click()

    page.get_by_role("link", name="Onboarding", exact=True).click()
    expect(page.get_by_test_id("progress")).to_have_text("0 / 3")
    page.get_by_role("link", name="Read and accept").click()
    page.get_by_role("link", name="Read and accept").click()
    expect(page.get_by_test_id("agreement-text")).to_contain_text("Resell the products")
    page.get_by_label("Your job title").fill("Managing director")
    page.get_by_role("button", name="I accept").click()
    expect(page.get_by_test_id("agreement")).to_contain_text("Accepted")
    page.get_by_role("link", name="Onboarding", exact=True).click()
    expect(page.get_by_test_id("progress")).to_have_text("1 / 3")
    page.get_by_label("Document").set_input_files(
        {"name": "vat.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 VAT"}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_test_id("progress")).to_have_text("2 / 3")
    sign_out(page)

    # The channel manager signs the manual task off in the console.
    sign_in(page, "cm@vendor.example")
    page.goto("/console/journeys/")
    page.get_by_role("link", name="Northwind Traders").click()
    page.get_by_role("button", name="Sign off").click()
    expect(page.get_by_role("progressbar")).to_contain_text("3 / 3")
    sign_out(page)

    partner = Partner.objects.get(pk=northwind.pk)
    assert partner.status == PartnerStatus.ACTIVE
    assert Enrolment.objects.get(partner=partner).tier.name == "Registered"
    assert Campaign.objects.get().status == "sent"
    wait_for_mail(smtp_server, NORA, "is now an active partner")
    wait_for_mail(smtp_server, "cm@vendor.example", "is now an active partner")
    assert len(smtp_server.messages) == 9  # every one of them read above

    # The campaign's funnel followed the prospect all the way.
    sign_in(page, "mia@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Spring outreach").click()
    funnel = page.get_by_test_id("funnel")
    for step in ("sent", "clicked", "applied", "approved"):
        expect(funnel.locator(f'[data-step="{step}"]')).to_have_text("1")
    sign_out(page)

    sign_in(page, NORA, "a long pass phrase 42")
    page.get_by_role("link", name="Partner resources").click()
    expect(page.get_by_role("heading", name="Partner resources")).to_be_visible()
