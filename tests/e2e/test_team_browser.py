"""A partner admin invites a colleague; the colleague opens the emailed link, chooses
a password and lands in the portal."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.models import Membership
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a long and unusual passphrase"


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_invited_colleague_joins_and_lands_in_the_portal(page, live_server):
    contoso = PartnerFactory(name="Contoso Solutions")
    MembershipFactory(
        partner=contoso,
        user__email="chris@contoso.example",
        user__full_name="Chris Moreno",
    )
    sign_in(page, "chris@contoso.example")

    page.get_by_test_id("portal-nav").get_by_role("link", name="Team").click()
    page.get_by_role("link", name="Invite a colleague").click()
    page.get_by_label("Email address").fill("sam@contoso.example")
    page.get_by_label("Marketing").check()
    page.get_by_role("button", name="Send invitation").click()

    expect(page.get_by_role("alert")).to_have_text(
        "Invitation sent to sam@contoso.example."
    )
    expect(
        page.get_by_test_id("team-invitations").get_by_role(
            "cell", name="sam@contoso.example"
        )
    ).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    assert [message.to for message in mail.outbox] == [["sam@contoso.example"]]
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", mail.outbox[0].body)
    page.goto(link.group(0))
    expect(page.get_by_role("heading", name="Join Contoso Solutions")).to_be_visible()
    page.get_by_label("Your name").fill("Sam Reyes")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Accept and sign in").click()

    expect(page).to_have_url("/portal/")
    expect(
        page.get_by_role("heading", name="Welcome, Contoso Solutions")
    ).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text(
        "Sam Reyes · Contoso Solutions"
    )
    membership = Membership.objects.get(user__email="sam@contoso.example")
    assert membership.roles == ["sales", "marketing"]

    # The link worked once.
    page.goto(link.group(0))
    expect(page.get_by_test_id("invitation-message")).to_contain_text(
        "This invitation has already been used."
    )
