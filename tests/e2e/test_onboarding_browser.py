"""A prospect applies through the public form; the application is routed to a
channel manager, approved at the first step, sent back to the applicant with a
question by legal, answered through the emailed link, and approved: the partner
exists in onboarding and the applicant is invited as its admin."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.onboarding.models import Application
from openprm.onboarding.tests.factories import (
    ApplicationQuestionFactory,
    ApprovalQueueFactory,
    ApprovalStepFactory,
    RoutingRuleFactory,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.tenancy.models import Invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def open_application(page) -> None:
    page.get_by_test_id("console-nav").get_by_role("link", name="Applications").click()
    page.get_by_test_id("applications").get_by_role(
        "link", name="Northwind Traders"
    ).click()


def test_an_application_is_routed_approved_in_two_steps_and_invites(page):
    programme = ProgrammeFactory(
        name="Reseller", slug="reseller", eligible_partner_types=["reseller"]
    )
    ApplicationQuestionFactory(
        programme=programme,
        key="engineers",
        label="How many engineers?",
        kind="number",
        is_required=True,
    )
    manager = UserFactory(email="cm@vendor.example", vendor_role="channel_manager")
    lawyer = UserFactory(email="legal@vendor.example", vendor_role="analyst")
    legal = ApprovalQueueFactory(name="Legal", members=[lawyer])
    RoutingRuleFactory(name="EMEA", regions=["EMEA"], user=manager)
    ApprovalStepFactory(programme=programme, position=1, name="Channel manager")
    ApprovalStepFactory(programme=programme, position=2, name="Legal", queue=legal)
    PartnerFactory(name="Northwind Traders Ltd")

    page.goto("/apply/reseller/?c=spring")
    page.get_by_label("Company").fill("Northwind Traders")
    page.get_by_label("Website or domain").fill("northwind.example")
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_label("Reseller").check()
    page.get_by_label("Your name").fill("Nora North")
    page.get_by_label("Your email address").fill("nora@northwind.example")
    page.get_by_label("How many engineers?").fill("4")
    page.get_by_label("I agree that").check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_test_id("application-received")).to_be_visible()
    assert Application.objects.get().campaign_token == "spring"

    sign_in(page, "cm@vendor.example")
    open_application(page)
    expect(page.get_by_test_id("routing-reason")).to_contain_text("Rule “EMEA”")
    expect(page.get_by_test_id("duplicates")).to_contain_text("Northwind Traders Ltd")
    page.get_by_test_id("approve").click()
    expect(page.get_by_role("alert")).to_contain_text("The step was approved.")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "legal@vendor.example")
    open_application(page)
    page.get_by_label("What should the applicant tell you?").fill("Your VAT number?")
    page.get_by_test_id("request-info").click()
    expect(page.get_by_test_id("application-status")).to_have_text(
        "Information requested"
    )
    page.get_by_role("button", name="Sign out").click()

    question = next(m for m in mail.outbox if "More information" in m.subject)
    link = re.search(r"(/apply/answer/[^/\s]+/)", question.body).group(1)
    page.goto(link)
    expect(page.get_by_test_id("info-question")).to_have_text("Your VAT number?")
    page.get_by_label("Your answer").fill("DE123456789")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_test_id("answer-received")).to_be_visible()

    sign_in(page, "legal@vendor.example")
    open_application(page)
    expect(page.get_by_test_id("history")).to_contain_text("DE123456789")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("application-status")).to_have_text("Approved")
    expect(page.get_by_test_id("attached-partner")).to_contain_text("Onboarding")
    invitation = Invitation.objects.get(email="nora@northwind.example")
    assert invitation.partner.name == "Northwind Traders"
    assert invitation.roles == ["partner_admin"]
