"""Every role is shown only navigation it can open: signed in as each vendor role and
each partner role (of a reseller, of a distributor, of a partner still onboarding)
over the demo's data, every item of the navigation opens with 200.

The cast is generated from the role choices, so a role added later is covered."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from openprm.accounts.choices import VendorRole
from openprm.accounts.models import User
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core import navigation
from openprm.core.navigation import SETTINGS, NavItem
from openprm.deals.permissions import REVIEW
from openprm.demo.ecosystem import DISTRIBUTOR_LOGIN, PARTNER_LOGIN
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.models import Membership
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NAV_LINK = re.compile(r'<a class="nav-link[^"]*" href="([^"]+)"')


@pytest.fixture
def demo():
    """The demo ecosystem, with 20 partners."""
    call_command("seed-demo", "--partners", "20", stdout=StringIO())


def cast() -> list[tuple[str, str]]:
    """(who, email) of every role: the demo's vendor staff by role, and a member of
    Contoso (a reseller), of Northwind (a distributor) and of a partner still
    onboarding in each partner role."""
    people = []
    for role in VendorRole.values:
        user = User.objects.filter(vendor_role=role, is_active=True).first()
        people.append((f"vendor {role}", user.email))
    organisations = {
        "reseller": Membership.objects.get(user__email=PARTNER_LOGIN.email).partner,
        "distributor": Membership.objects.get(
            user__email=DISTRIBUTOR_LOGIN.email
        ).partner,
        "onboarding": Partner.objects.filter(status="onboarding").first(),
    }
    for kind, partner in organisations.items():
        assert partner is not None, kind
        for role in PartnerRole.values:
            membership = MembershipFactory(
                partner=partner,
                roles=[role],
                user__email=f"{role}.{kind}@nav.example",
            )
            people.append((f"{kind} {role}", membership.user.email))
    return people


def navigation_of(client: Client) -> tuple[str, list[str]]:
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return response.request["PATH_INFO"], NAV_LINK.findall(response.content.decode())


def test_every_role_opens_every_navigation_item_it_is_shown(demo):
    refused = []
    for who, email in cast():
        client = Client()
        client.force_login(User.objects.get(email=email))
        start, links = navigation_of(client)
        assert links, f"{who} sees no navigation on {start}"
        for link in links:
            status = client.get(link).status_code
            if status != 200:
                refused.append(f"{who}: {link} answered {status}")

    assert refused == []


def test_marketing_and_finance_are_led_to_the_deal_list_not_the_review_queue(demo):
    for role in (VendorRole.CHANNEL_MARKETING, VendorRole.FINANCE):
        client = Client()
        client.force_login(User.objects.filter(vendor_role=role).first())
        _, links = navigation_of(client)
        assert "/console/deals/" in links
        assert "/console/deals/review/" not in links
        response = client.get("/console/deals/review/")
        assert response.status_code == 403
        text = response.content.decode()
        # An ordinary missing permission says so, and who can grant it.
        assert "another part of OpenPRM" not in text
        assert "does not include the permission" in text
        assert "vendor admin can change your role" in text


def test_a_partner_user_in_the_console_is_told_it_is_another_area(demo, client):
    client.force_login(User.objects.get(email=PARTNER_LOGIN.email))

    response = client.get("/console/")

    assert response.status_code == 403
    assert "another part of OpenPRM" in response.content.decode()


def test_an_item_is_hidden_when_its_pages_rule_refuses_the_role(client):
    review = NavItem("Review", "console:deal_queue", order=200, section=SETTINGS)
    navigation.CONSOLE.append(review)
    try:
        client.force_login(VendorUserFactory(vendor_role=VendorRole.ANALYST))
        analyst = client.get("/console/").context["shell_nav"]
        client.force_login(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MANAGER))
        manager = client.get("/console/").context["shell_nav"]
    finally:
        navigation.CONSOLE.remove(review)

    assert review.rule() is REVIEW
    assert "Review" not in [entry["label"] for entry in analyst]
    assert "Review" in [entry["label"] for entry in manager]


def test_a_partner_user_without_the_role_is_told_who_can_grant_it(client):
    learner = MembershipFactory(
        partner=PartnerFactory(name="Contoso Solutions", status="active"),
        roles=[PartnerRole.LEARNER],
    ).user
    client.force_login(learner)

    response = client.get("/portal/deals/")

    assert response.status_code == 403
    text = response.content.decode()
    assert "Your roles at Contoso Solutions do not include the permission" in text
    assert "partner admin of your organisation can give you the role" in text
    assert "another part of OpenPRM" not in text
