"""The two homes as people meet them first, on a laptop and on a phone: the demo
partner's portal home lists its lead offers, the agreement to accept and the deal
question with their deadlines; the channel manager's home lists their queues and
partners. Screenshots at 1366 and 390 px go to ``OPENPRM_SCREENSHOT_DIR`` when
it is set (to look at them), else to the test's temporary folder."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.agreements.tests.factories import AgreementVersionFactory
from openprm.deals.tests.factories import make_deal
from openprm.funds.tests.factories import allocate, budget
from openprm.incentives import ledger
from openprm.incentives.choices import EntryKind
from openprm.leads.models import LeadStatus
from openprm.leads.tests.factories import LeadFactory
from openprm.metrics.tests.test_api import figures
from openprm.onboarding.tests.factories import RoutingRuleFactory, submit
from openprm.partners.tests.factories import PartnerFactory
from openprm.portal.tests.factories import offer, question
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    ProgrammeFactory,
    TierBenefitFactory,
)
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def shots_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("OPENPRM_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def overflow(page) -> int:
    """How many pixels the page's content is wider than its column (the shell's
    header is the shell's own test)."""
    return page.evaluate(
        "(() => { const main = document.querySelector('main');"
        " return main.scrollWidth - main.clientWidth; })()"
    )


def at_each_width(browser, live_server, email: str, path: str):
    """A signed-in page at each width, in turn."""
    for name, (width, height) in WIDTHS.items():
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            is_mobile=name == "phone",
        )
        context.set_default_timeout(30_000)
        page = context.new_page()
        sign_in(page, email)
        page.goto(path)
        yield name, page
        context.close()


def test_the_partner_home_lists_offers_the_agreement_and_the_deal_question(
    browser, live_server, tmp_path
):
    contoso = PartnerFactory(name="Contoso Solutions")
    MembershipFactory(
        user=UserFactory(email="partner@contoso.example", full_name="Chris Moreno"),
        partner=contoso,
        roles=[PartnerRole.PARTNER_ADMIN],
    )
    offer(contoso, hours=47, company="Bluewater Foods")
    offer(contoso, hours=47, company="Juniper Telecom")
    enrolment = EnrolmentFactory(partner=contoso)
    AgreementVersionFactory(
        document__programme=enrolment.programme,
        document__title="Reseller partner agreement",
        number=2,
        accept_by=timezone.now() + timedelta(days=5),
    )
    question(contoso, title="Fourth Coffee security refresh")
    # What Contoso has earned: won revenue, points, funds and its tier's discount.
    figures(contoso, won_revenue="48250")
    ledger.credit(
        account=ledger.account_for(partner_id=contoso.pk),
        kind=EntryKind.BONUS,
        points=1250,
    )
    allocate(contoso, budget(), "7500.00")
    TierBenefitFactory(tier=enrolment.tier, value="12.5")
    folder = shots_dir(tmp_path)

    for name, page in at_each_width(
        browser, live_server, "partner@contoso.example", "/portal/"
    ):
        work = page.get_by_test_id("home-work")
        expect(work).to_contain_text("Accept or decline the lead Bluewater Foods")
        expect(work).to_contain_text("Accept or decline the lead Juniper Telecom")
        expect(work).to_contain_text("Accept Reseller partner agreement, version 2")
        expect(work).to_contain_text(
            "Answer the question about the deal Fourth Coffee security refresh"
        )
        expect(page.get_by_test_id("work-deadline")).to_have_count(3)
        expect(page.get_by_test_id("work-deadline").first).to_contain_text("in 1 day")
        earned = page.get_by_test_id("home-earned")
        expect(earned).to_contain_text("48,250.00 EUR")
        expect(earned).to_contain_text("1,250 points")
        expect(earned).to_contain_text("7,500.00 EUR")
        expect(earned).to_contain_text("12.5 %")
        page.screenshot(path=folder / f"portal-home-{name}.png", full_page=True)
        assert overflow(page) == 0
        work.get_by_role(
            "link", name="Accept or decline the lead Bluewater Foods"
        ).click()
        expect(page.get_by_role("heading", name="Bluewater Foods")).to_be_visible()


def test_the_channel_managers_home_lists_partners_and_work(
    browser, live_server, tmp_path
):
    manager = UserFactory(
        email="cm@vendor.example",
        full_name="Casey Brooks",
        vendor_role=VendorRole.CHANNEL_MANAGER,
        territories=["EMEA"],
    )
    fjord = PartnerFactory(name="Fjord Networks AS", region="EMEA", country="NO")
    PartnerFactory(name="Danube IT GmbH", region="EMEA", country="AT")
    PartnerFactory(name="Pampas Digital", region="LATAM", country="AR")
    make_deal(partner=fjord)
    make_deal(partner=fjord, review_due_at=timezone.now() - timedelta(hours=2))
    LeadFactory(region="EMEA", status=LeadStatus.UNASSIGNED)
    RoutingRuleFactory(user=manager, regions=["EMEA"])
    submit(company="Baltic Cloud OU", region="EMEA")
    folder = shots_dir(tmp_path)

    for name, page in at_each_width(
        browser, live_server, "cm@vendor.example", "/console/"
    ):
        queues = page.get_by_test_id("home-queues")
        expect(queues).to_contain_text("Partner applications")
        expect(queues).to_contain_text("Deal registrations")
        expect(queues).to_contain_text("1 overdue")
        expect(queues).to_contain_text("Leads to route")
        partners = page.get_by_test_id("home-partners")
        expect(partners).to_contain_text("Fjord Networks AS")
        expect(partners).to_contain_text("Danube IT GmbH")
        expect(partners).not_to_contain_text("Pampas Digital")
        page.screenshot(path=folder / f"console-home-{name}.png", full_page=True)
        assert overflow(page) == 0
        queues.get_by_role("link", name="Deal registrations").click()
        expect(page).to_have_url(f"{live_server.url}/console/deals/review/")


def test_a_distributor_follows_its_resellers(browser, live_server, tmp_path):
    northwind = PartnerFactory(
        name="Northwind Distribution",
        partner_type="distributor",
        downstream_visibility=True,
    )
    MembershipFactory(
        user=UserFactory(email="dana@northwind.example"),
        partner=northwind,
        roles=[PartnerRole.PARTNER_ADMIN],
    )
    contoso = PartnerFactory(name="Contoso Solutions", parent=northwind)
    EnrolmentFactory(partner=contoso)
    make_deal(partner=contoso)
    offer(contoso)
    PartnerFactory(name="Oakedge Technologies", parent=northwind, status="onboarding")
    ProgrammeFactory(name="Reseller", slug="reseller")
    folder = shots_dir(tmp_path)

    for name, page in at_each_width(
        browser, live_server, "dana@northwind.example", "/portal/"
    ):
        page.get_by_role("link", name="Your resellers").click()
        rows = page.get_by_test_id("reseller")
        expect(rows).to_have_count(2)
        expect(rows.first).to_contain_text("Contoso Solutions")
        expect(rows.nth(1)).to_contain_text("Onboarding")
        page.screenshot(path=folder / f"portal-resellers-{name}.png", full_page=True)
        assert overflow(page) == 0
        if name == "laptop":
            invitation = page.get_by_test_id("invite-reseller")
            invitation.get_by_label("Company").fill("Fjord Networks AS")
            invitation.get_by_label("Email address").fill("partners@fjord.example")
            invitation.get_by_role("button", name="Send the invitation").click()
            expect(
                page.get_by_text("The invitation to apply was sent.")
            ).to_be_visible()
