"""A vendor admin adds a step with an amount band to the fund requests' chain on
the console's chains page; a request above the band then needs that extra
approver, one below it does not."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.approvals.models import ChainStep, Request
from openprm.approvals.tests.factories import ChainStepFactory
from openprm.funds import services
from openprm.funds.tests import factories as f
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_step_with_an_amount_band_adds_an_approver_above_it(page):
    f.activity_type()  # a live-server test's flushed database has lost migration data
    admin = VendorUserFactory(email="vera@vendor.example", vendor_role="vendor_admin")
    VendorUserFactory(email="dora@vendor.example", vendor_role="channel_marketing")
    ChainStepFactory(kind=services.REQUEST_KIND, position=1, name="Channel marketing")
    page.set_default_timeout(30_000)  # the shared test machine is often loaded
    page.set_default_navigation_timeout(120_000)  # the first page starts cold

    page.goto("/")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("console-nav").get_by_role("link", name="Approvals").click()
    page.get_by_role("link", name="Approval chains").click()
    chain = page.get_by_test_id(f"chain-{services.REQUEST_KIND}")
    chain.get_by_role("link", name="Add a step").click()
    page.get_by_label("Name").fill("Marketing director")
    page.get_by_label("Approver").select_option(label="dora@vendor.example")
    page.get_by_label("Currency of the amount band").fill("EUR")
    page.get_by_label("From amount").fill("5000")
    shoot(page, "approval-chain-step-new")
    page.get_by_role("button", name="Save").click()
    chain = page.get_by_test_id(f"chain-{services.REQUEST_KIND}")
    expect(chain.locator("tbody tr")).to_have_count(2)
    expect(chain.locator("tbody tr").nth(1)).to_contain_text("from 5,000.00 EUR")
    shoot(page, "approval-chains")

    partner = PartnerFactory(name="Contoso")
    budget = f.budget()
    f.allocate(partner, budget, "20000.00")  # the last approval commits the funds
    big = f.make_request(
        partner=partner, the_budget=budget, amount="10000.00", title="Big webinar"
    )
    small = f.make_request(
        partner=partner, the_budget=budget, amount="2000.00", title="Small mailing"
    )
    page.goto("/console/approvals/?view=open")
    shoot(page, "approvals-open")
    page.get_by_role("link", name="Big webinar").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_role("alert")).to_contain_text("The step was approved.")
    big_approval = Request.objects.get(pk=big.approval_id)
    assert (big_approval.status, big_approval.step_name) == (
        "in_review",
        "Marketing director",
    )
    assert big_approval.assignee.email == "dora@vendor.example"

    page.goto("/console/approvals/?view=open")
    page.get_by_role("link", name="Small mailing").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Approved")
    assert Request.objects.get(pk=small.approval_id).status == "approved"
    for name, path in (
        ("fund-activity-types", "/console/funds/activity-types/"),
        ("fund-requests", "/console/funds/requests/"),
        ("fund-budgets", "/console/funds/"),
    ):
        page.goto(path)
        shoot(page, name)
    assert ChainStep.objects.get(name="Marketing director").min_amount == Decimal(
        "5000"
    )
