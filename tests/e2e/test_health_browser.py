"""A vendor admin defines a programme's health score in the console; the nightly
computation scores the partners; the channel manager finds the partner at risk
on the console home, is notified, and reads the reasons; the partner sees its
score on the portal home."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.metrics import health
from openprm.metrics.tests.test_api import figures
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.tenancy.tests.factories import partner_user
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_partner_falls_below_the_health_line_and_its_manager_is_told(page):
    VendorUserFactory(email="pia@vendor.example", vendor_role="vendor_admin")
    manager = VendorUserFactory(
        email="cm@vendor.example", vendor_role="channel_manager"
    )
    programme = programme_with_tiers("Silver", "Gold", name="Reseller")
    weak = PartnerFactory(name="Acme", channel_manager=manager)
    strong = PartnerFactory(name="Bolt", channel_manager=manager)
    figures(weak, won_revenue="2000", deals_won="1", deals_lost="3")
    figures(strong, won_revenue="12000", deals_won="3", deals_lost="1")
    for partner in (weak, strong):
        EnrolmentFactory(partner=partner, programme=programme)
    partner_user(
        partner=weak, roles=["partner_admin"], user__email="admin@acme.example"
    )
    page.set_default_timeout(30_000)  # the shared test machine is often loaded

    sign_in(page, "pia@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Health scores").click()
    page.get_by_role("link", name="Define Reseller").click()
    page.get_by_label("At risk below (score)").fill("50")
    page.get_by_label("Metric 1", exact=True).select_option(label="Won revenue")
    page.get_by_label("Weight 1", exact=True).fill("3")
    page.get_by_label("Target 1", exact=True).fill("10000")
    page.get_by_label("Metric 2", exact=True).select_option(label="Win rate")
    page.get_by_label("Target 2", exact=True).fill("50")
    shoot(page, "health-model")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The health score was saved")).to_be_visible()
    expect(page.get_by_test_id("health-models")).to_contain_text(
        "Reseller: at risk below 50"
    )

    page.goto("about:blank")  # no request of the page's in flight meanwhile
    assert health.health_compute() == {"scored": 2, "changed": 2, "alerted": 1}

    sign_in(page, "cm@vendor.example")
    queue = page.get_by_test_id("queue").filter(has_text="Partners at risk")
    expect(queue).to_contain_text("1")
    queue.get_by_role("link", name="Partners at risk").click()
    table = page.get_by_test_id("health-at-risk")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Acme")
    expect(table).to_contain_text("27.50")  # (3 x 0.2 + 1 x 0.5) / 4
    shoot(page, "health-at-risk")
    table.get_by_role("link", name="Acme").click()
    section = page.get_by_test_id("section-health")
    expect(section).to_contain_text("At risk")
    expect(section).to_contain_text("Won revenue is 2,000.00 EUR of a target of")
    page.goto("/console/notifications/")
    expect(page.get_by_text("Acme is at risk")).to_be_visible()

    sign_in(page, "admin@acme.example")
    card = page.get_by_test_id("tier-progress")
    expect(card).to_contain_text("Your health score")
    expect(card.get_by_test_id("health-value")).to_have_text("27.50")
    shoot(page, "health-portal-home")
