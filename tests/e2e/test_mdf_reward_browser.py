"""A seller redeems a "convert to MDF" reward: the card says what it gives, the
order is delivered at once and its history names the fund credited."""

from decimal import Decimal

import pytest
from django.db import transaction
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD
from openprm.funds.models import Allocation
from openprm.funds.tests.factories import budget
from openprm.incentives import ledger
from openprm.incentives.choices import EntryKind, RewardKind
from openprm.incentives.tests.factories import RewardFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_seller_converts_points_to_mdf(page, live_server):
    partner = PartnerFactory(name="Contoso")
    seller = partner_user(partner=partner, roles=[PartnerRole.SALES])
    with transaction.atomic():
        ledger.credit(
            account=ledger.account_for(partner_id=partner.pk),
            kind=EntryKind.BONUS,
            points=2500,
        )
    the_budget = budget("20000.00")
    RewardFactory(
        name="Convert to MDF",
        description="Credited at once to your market development funds.",
        points_price=1000,
        stock=None,
        kind=RewardKind.MDF,
        mdf_budget=the_budget,
        mdf_amount=Decimal("500.00"),
        mdf_currency="EUR",
    )
    RewardFactory(name="Branded backpack", points_price=100, stock=40)
    page.set_default_timeout(30_000)
    page.goto("/")
    page.get_by_label("Email").fill(seller.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/portal/rewards/")
    card = page.get_by_test_id("mdf-gives")
    expect(card).to_have_text("500.00 EUR of market development funds")
    page.get_by_role("button", name="Redeem").last.click()
    expect(page.get_by_test_id("orders")).to_contain_text("Delivered")
    shoot(page, "mdf-reward-portal-rewards")
    allocation = Allocation.objects.get(partner=partner, budget=the_budget)
    assert allocation.available == Decimal("500.00")
