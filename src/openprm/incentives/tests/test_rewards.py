"""Rewards: redeeming takes points and stock together; cancelling gives both back."""

import pytest
from django.db import transaction

from openprm.core.errors import Conflict, InvalidTransition
from openprm.core.models import OutboxEvent
from openprm.incentives import ledger, rewards
from openprm.incentives.choices import EntryKind, OrderStatus
from openprm.incentives.models import PointsEntry, RedemptionOrder, Reward
from openprm.incentives.tests.factories import RewardFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _seller_with(points):
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    if points:
        with transaction.atomic():
            ledger.credit(account=account, kind=EntryKind.BONUS, points=points)
    return user, partner, account


def test_redeeming_takes_the_price_and_one_from_stock():
    user, partner, account = _seller_with(250)
    reward = RewardFactory()
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    assert (order.points, order.status) == (100, OrderStatus.PLACED)
    assert ledger.balance_of(account) == 150
    assert Reward.objects.get(pk=reward.pk).stock == 4
    assert OutboxEvent.objects.filter(name="redemption.placed").count() == 1


def test_a_redemption_beyond_the_balance_changes_nothing():
    user, partner, account = _seller_with(99)
    reward = RewardFactory()
    with pytest.raises(ledger.InsufficientPoints):
        rewards.redemption_order_place(actor=user, partner_id=partner.pk, reward=reward)
    assert Reward.objects.get(pk=reward.pk).stock == 5
    assert RedemptionOrder.objects.count() == 0
    assert ledger.balance_of(account) == 99


def test_an_out_of_stock_reward_is_refused():
    user, partner, account = _seller_with(500)
    reward = RewardFactory(stock=0)
    with pytest.raises(Conflict):
        rewards.redemption_order_place(actor=user, partner_id=partner.pk, reward=reward)
    assert ledger.balance_of(account) == 500


def test_cancelling_refunds_exactly_and_restocks_once():
    user, partner, account = _seller_with(100)
    reward = RewardFactory()
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    rewards.redemption_order_cancel(actor=user, order=order)
    assert ledger.balance_of(account) == 100
    assert ledger.spendable_of(account) == 100
    assert Reward.objects.get(pk=reward.pk).stock == 5
    assert PointsEntry.objects.filter(kind=EntryKind.REVERSE).count() == 1
    with pytest.raises(InvalidTransition):
        rewards.redemption_order_cancel(
            actor=user, order=RedemptionOrder.objects.get(pk=order.pk)
        )
    assert ledger.balance_of(account) == 100


def test_the_portal_lists_rewards_and_redeems_one(client):
    user, _partner, account = _seller_with(300)
    reward = RewardFactory(name="Branded backpack")
    client.force_login(user)
    page = client.get("/portal/rewards/").content.decode()
    assert "Branded backpack" in page
    client.post(f"/portal/rewards/{reward.public_id}/redeem/")
    assert ledger.balance_of(account) == 200
    order = RedemptionOrder.objects.get()
    client.post(f"/portal/rewards/orders/{order.public_id}/cancel/")
    assert ledger.balance_of(account) == 300
