"""Channel marketing changes a reward's price from the rewards list: the list
says each reward's kind in words, the edit page starts from the reward, a
refusal shows on the form, and the saved price is listed; the page fits a
phone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.funds.tests.factories import budget
from openprm.incentives.choices import RewardKind
from openprm.incentives.models import Reward
from openprm.incentives.tests.factories import RewardFactory
from tests.e2e.screens import shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_channel_marketing_changes_a_rewards_price(page, live_server):
    marketer = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    the_budget = budget("20000.00")
    RewardFactory(
        name="Convert to MDF",
        points_price=1000,
        stock=None,
        kind=RewardKind.MDF,
        mdf_budget=the_budget,
        mdf_amount=Decimal("500.00"),
        mdf_currency="EUR",
    )
    backpack = RewardFactory(name="Branded backpack", points_price=100, stock=40)
    page.set_default_timeout(60_000)
    # The live server's first answer can take long on a loaded machine.
    page.goto("/", timeout=180_000)
    page.get_by_label("Email").fill(marketer.email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/console/incentives/rewards/")
    kinds = page.get_by_test_id("reward-kind")
    expect(kinds.first).to_have_text("Gift, merchandise or experience")
    expect(kinds.last).to_contain_text("Convert to MDF")
    expect(kinds.last).to_contain_text(the_budget.fund.name)
    shoot(page, "reward-list")
    page.get_by_role("link", name="Edit Branded backpack").click()
    expect(page.get_by_label("Name")).to_have_value("Branded backpack")
    page.get_by_label("Price in points").fill("150")
    page.get_by_label("Kind").select_option("mdf")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose the funds budget it credits.")).to_be_visible()
    shoot(page, "reward-edit-refused")
    assert Reward.objects.get(pk=backpack.pk).points_price == 100
    page.get_by_label("Kind").select_option("goods")
    page.get_by_label("Price in points").fill("150")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    shoot(page, "reward-edit")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The reward is saved.")).to_be_visible()
    expect(page.get_by_test_id("rewards")).to_contain_text("150")
    assert Reward.objects.get(pk=backpack.pk).points_price == 150
