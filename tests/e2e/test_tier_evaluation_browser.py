"""A programme manager raises the Gold revenue threshold in the simulator, sees
that three partners would be demoted and who, and saves; the evaluation
recommends the three demotions with their reasons; a reviewer approves one;
once the grace period has passed (the worker's sweep run with the clock moved)
the tier changes, the partner is told in the app and by email, and its portal
shows the requirement it missed and what is left."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.deals import services as deals
from openprm.deals.tests.factories import ensure_stages, registration
from openprm.metrics import tiers
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.models import Enrolment
from openprm.programs.tests.factories import (
    EnrolmentFactory,
    TierRequirementFactory,
    programme_with_tiers,
)
from openprm.tenancy.tests.factories import partner_user
from openprm.testing.smtp import body_text
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def won(partner, seller, reviewer, amount: str) -> None:
    """A deal the partner registers, the vendor approves and the partner wins
    (the rollups follow the events)."""
    deal = deals.deal_register(
        actor=seller,
        partner=partner,
        **registration(
            customer_name=f"{partner.name} customer",
            customer_domain=f"{partner.name.lower()}-customer.example",
            lines=[{"product_line": "security", "quantity": 1, "amount": amount}],
        ),
    )
    deals.deal_approve(actor=reviewer, deal=deal)
    deal.refresh_from_db()
    deals.deal_mark_won(actor=seller, deal=deal, won_on=timezone.localdate())


def tier_emails(smtp_server, to: str) -> list:
    return [
        message
        for message in smtp_server.to(to)
        if str(message["Subject"]) == "Your tier is now Silver"
    ]


def test_raised_gold_threshold_demotes_three_partners_after_grace_and_approval(
    page, smtp_server
):
    ensure_stages()
    admin = VendorUserFactory(email="pia@vendor.example", vendor_role="vendor_admin")
    programme = programme_with_tiers("Silver", "Gold", "Platinum", name="Reseller")
    silver, gold, platinum = programme.tiers.order_by("rank")
    TierRequirementFactory(tier=gold, metric="won_revenue", threshold=1000)
    TierRequirementFactory(tier=platinum, metric="won_revenue", threshold=50000)
    sellers = {}
    for name, amount in [
        ("Acme", "1500"),
        ("Bolt", "2500"),
        ("Cora", "1800"),
        ("Dyna", "1200"),
    ]:
        partner = PartnerFactory(name=name)
        sellers[name] = partner_user(
            partner=partner,
            roles=["partner_admin"],
            user__email=f"admin@{name.lower()}.example",
        )
        won(partner, sellers[name], admin, amount)
        EnrolmentFactory(partner=partner, programme=programme, tier=gold)
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    sign_in(page, "pia@vendor.example")
    page.goto(f"/console/programmes/{programme.public_id}/tiers/{gold.pk}/")
    page.get_by_test_id("tier-simulate").click()
    summary = page.get_by_test_id("simulation-summary")
    expect(summary).to_contain_text("4 enrolled partners evaluated")
    expect(page.get_by_test_id("simulation-no-moves")).to_be_visible()
    page.get_by_label(re.compile("^Won revenue")).fill("2000")
    page.get_by_test_id("simulation-preview").click()
    expect(page.get_by_test_id("simulation-moves-count")).to_contain_text(
        "3 would move down"
    )
    moves = page.get_by_test_id("simulation-moves")
    expect(moves.locator("tbody tr td:first-child")).to_have_text(
        ["Acme", "Cora", "Dyna"]
    )
    expect(moves).not_to_contain_text("Bolt")
    expect(moves.locator("tbody tr").first).to_contain_text("(today: 1,000")
    shoot(page, "tier-simulation")
    page.get_by_test_id("simulation-save").click()
    expect(page.get_by_text("1 threshold(s) saved.")).to_be_visible()

    page.goto("/console/tiers/recommendations/")
    page.get_by_test_id("tiers-evaluate").click()
    expect(page.get_by_text("3 to demote")).to_be_visible()
    table = page.get_by_test_id("tier-recommendations")
    expect(table.locator("tbody tr")).to_have_count(3)
    cora = table.locator("tbody tr", has_text="Cora")
    expect(cora).to_contain_text("Gold → Silver")
    expect(cora).to_contain_text(
        "✗ Won revenue, last 12 months is 1,800: at least 2,000 is not met."
    )
    grace_ends = timezone.localdate() + datetime.timedelta(
        days=settings.OPENPRM_TIER_GRACE_DAYS
    )
    expect(cora).to_contain_text(grace_ends.strftime("%-d %b %Y"))
    shoot(page, "tier-recommendations")
    cora.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Approved: Approved, waiting for the grace period."
    )
    cora_enrolment = Enrolment.objects.get(partner__name="Cora")
    assert cora_enrolment.tier == gold  # not before the grace period

    # The worker's nightly sweep, the day after the grace period ends.
    later = timezone.now() + datetime.timedelta(
        days=settings.OPENPRM_TIER_GRACE_DAYS + 1
    )
    assert tiers.recommendations_apply_due(now=later) == 1
    cora_enrolment.refresh_from_db()
    assert cora_enrolment.tier == silver
    assert Enrolment.objects.get(partner__name="Acme").tier == gold  # not approved

    [email] = tier_emails(smtp_server, "admin@cora.example")
    assert "Won revenue, last 12 months is 1,800" in body_text(email)
    assert tier_emails(smtp_server, "admin@acme.example") == []

    sign_in(page, "admin@cora.example")
    expect(page.get_by_test_id("unread-count")).to_be_visible()
    page.goto("/portal/notifications/")
    expect(page.get_by_text("Your tier is now Silver")).to_be_visible()
    shoot(page, "tier-notification")
    page.goto("/portal/tier/")
    progress = page.get_by_test_id("tier-progress")
    expect(progress).to_contain_text("Reseller: Silver")
    expect(progress).to_contain_text("next: Gold")
    gold_rules = progress.get_by_test_id("tier-requirements").last
    expect(gold_rules).to_contain_text("Requirements of Gold")
    row = gold_rules.locator("tbody tr").first
    expect(row).to_contain_text("✗ Won revenue")
    expect(row.locator("td")).to_have_text(["2,000", "1,800", "200"])
    shoot(page, "tier-progress-after-demotion")
