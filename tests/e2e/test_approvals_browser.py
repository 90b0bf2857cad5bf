"""An approver opens the console's Approvals page: what waits on them, overdue
first and highlighted; they approve a 10,000 EUR request's first step, the second
step (the amount crosses a band) goes to finance; before leaving, the finance
approver names a delegate, who decides it for them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.approvals import services
from openprm.approvals.models import Request
from openprm.approvals.rules import Facts
from openprm.approvals.tests import subject
from openprm.approvals.tests.factories import ChainStepFactory, QueueFactory
from openprm.partners.tests.factories import PartnerFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def start(label: str, amount: str, partner) -> Request:
    return services.request_start(
        kind=subject.KIND,
        object_id=label,
        subject_label=label,
        facts=Facts(amount=Decimal(amount), currency="EUR"),
        partner=partner,
    )


def test_an_approver_works_their_queue_and_a_delegate_stands_in(page):
    manager = UserFactory(email="cm@vendor.example", vendor_role="channel_manager")
    UserFactory(email="sam@vendor.example", vendor_role="finance")
    finance = QueueFactory(
        name="Finance",
        members=[UserFactory(email="fin@vendor.example", vendor_role="finance")],
    )
    ChainStepFactory(position=1, name="Channel manager", user=manager)
    ChainStepFactory(
        position=2,
        name="Finance",
        queue=finance,
        currency="EUR",
        min_amount=Decimal("5000"),
    )
    contoso = PartnerFactory(name="Contoso Solutions")
    webinar = start("Webinar in Berlin", "10000", contoso)
    late = start("Trade show booth", "2500", PartnerFactory(name="Fabrikam"))
    start("Print brochures", "800", contoso)
    Request.objects.filter(pk=late.pk).update(
        due_at=timezone.now() - timedelta(hours=3)
    )

    sign_in(page, "cm@vendor.example")
    page.get_by_test_id("console-nav").get_by_role("link", name="Approvals").click()
    rows = page.get_by_test_id("approvals").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Trade show booth")
    expect(rows.first.get_by_test_id("overdue")).to_be_visible()
    expect(rows.nth(1)).to_contain_text("10,000.00 EUR")
    shoot(page, "approvals-queue")

    page.get_by_role("link", name="Webinar in Berlin").click()
    expect(page.get_by_test_id("history")).to_contain_text(
        "2. Finance (amount from 5,000.00 EUR)"
    )
    shoot(page, "approvals-request")
    page.get_by_label("Note").fill("Good plan, strong leads last time.")
    page.get_by_test_id("approve").click()
    expect(page.get_by_role("alert")).to_contain_text("The step was approved.")
    webinar.refresh_from_db()
    assert (webinar.step_name, webinar.status) == ("Finance", "in_review")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "fin@vendor.example")
    page.goto("/console/approvals/absences/")
    page.get_by_label("Who stands in for you").select_option(label="sam@vendor.example")
    today = timezone.localdate()
    page.get_by_label("Away from").fill(today.isoformat())
    page.get_by_label("Until (inclusive)").fill((today + timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Record the absence").click()
    expect(page.get_by_test_id("delegations")).to_contain_text("sam@vendor.example")
    shoot(page, "approvals-absences")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "sam@vendor.example")
    page.goto("/console/approvals/")
    page.get_by_role("link", name="Webinar in Berlin").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("Approved")
    expect(page.get_by_test_id("history")).to_contain_text(
        "sam@vendor.example for fin@vendor.example"
    )
    assert subject.told[-1][0] == "approved"
