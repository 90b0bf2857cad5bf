"""Changing a reward after it is offered: the rules of a new reward, audited and
announced when something changed, nothing written when refused; orders already
placed keep their price."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.funds.models import Budget
from openprm.funds.tests.factories import FundFactory, budget
from openprm.incentives import ledger, rewards
from openprm.incentives.choices import EntryKind, OrderStatus, RewardKind
from openprm.incentives.models import RedemptionOrder, Reward
from openprm.incentives.tests.factories import RewardFactory
from openprm.programs.tests.test_api import bearer
from openprm.segments.tests.factories import AudienceFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _manager():
    return VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)


def _seller_with(points):
    user = partner_user(roles=[PartnerRole.SALES])
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    with transaction.atomic():
        ledger.credit(account=account, kind=EntryKind.BONUS, points=points)
    return user, partner, account


def _mdf_reward(the_budget=None):
    the_budget = the_budget or budget("10000.00")
    return RewardFactory(
        name="Convert to MDF",
        kind=RewardKind.MDF,
        mdf_budget=the_budget,
        mdf_amount=Decimal("50.00"),
        mdf_currency=the_budget.fund.currency,
        stock=None,
    )


def _written(reward):
    """The audit entries and events about rewards since the factory made it."""
    return (
        AuditEntry.objects.filter(verb="reward.updated").count(),
        OutboxEvent.objects.filter(name="reward.updated").count(),
    )


# --- the service


def test_an_update_changes_the_fields_given_and_is_audited_and_announced():
    reward = RewardFactory(name="Backpack", points_price=100, stock=5)
    audience = AudienceFactory()
    changed = rewards.reward_update(
        actor=_manager(),
        reward=reward,
        points_price=150,
        stock=2,
        audience=audience,
        is_active=False,
    )
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.name, stored.points_price, stored.stock) == ("Backpack", 150, 2)
    assert (stored.audience_id, stored.is_active) == (audience.pk, False)
    assert changed.points_price == 150
    entry = AuditEntry.objects.get(verb="reward.updated")
    assert entry.changes == {
        "points_price": [100, 150],
        "stock": [5, 2],
        "audience": [None, audience.pk],
        "is_active": [True, False],
    }
    event = OutboxEvent.objects.get(name="reward.updated")
    assert event.payload["changes"] == [
        "audience",
        "is_active",
        "points_price",
        "stock",
    ]
    assert event.payload["audience"] == str(audience.public_id)
    assert event.payload["points_price"] == 150


def test_an_update_that_changes_nothing_writes_nothing():
    reward = RewardFactory(name="Backpack", points_price=100)
    rewards.reward_update(
        actor=_manager(), reward=reward, name="Backpack", points_price=100
    )
    assert _written(reward) == (0, 0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stock": -1}, "stock"),
        ({"points_price": 0}, "points_price"),
        ({"points_price": 2_147_483_648}, "points_price"),
        ({"name": "  "}, "name"),
        ({"fulfilment_provider": "pigeon"}, "fulfilment_provider"),
        ({"kind": "cash"}, "kind"),
        ({"kind": RewardKind.MDF}, "mdf_budget"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_refused_update_is_a_field_error_and_changes_nothing(changes, field):
    reward = RewardFactory(name="Backpack", points_price=100, stock=5)
    with pytest.raises(ValidationFailed) as refused:
        rewards.reward_update(actor=_manager(), reward=reward, **changes)
    assert field in refused.value.field_errors
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.name, stored.points_price, stored.stock, stored.kind) == (
        "Backpack",
        100,
        5,
        RewardKind.GOODS,
    )
    assert _written(reward) == (0, 0)


def test_only_catalogue_keepers_change_a_reward():
    reward = RewardFactory(points_price=100)
    for actor in (
        VendorUserFactory(vendor_role=VendorRole.FINANCE),
        partner_user(roles=[PartnerRole.PARTNER_ADMIN]),
    ):
        with pytest.raises(PermissionDenied):
            rewards.reward_update(actor=actor, reward=reward, points_price=1)
    assert Reward.objects.get(pk=reward.pk).points_price == 100
    assert _written(reward) == (0, 0)


def test_orders_already_placed_keep_their_price_and_refund_it():
    user, partner, account = _seller_with(300)
    reward = RewardFactory(points_price=100, stock=5)
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    rewards.reward_update(actor=_manager(), reward=reward, points_price=250, stock=9)
    order = RedemptionOrder.objects.get(pk=order.pk)
    assert (order.points, order.status) == (100, OrderStatus.PLACED)
    assert ledger.balance_of(account) == 200
    rewards.redemption_order_cancel(actor=user, order=order)
    # The refund is what the order took, not the new price; the stock set by
    # hand (9) gets the cancelled one back.
    assert ledger.balance_of(account) == 300
    assert Reward.objects.get(pk=reward.pk).stock == 10
    second = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=Reward.objects.get(pk=reward.pk)
    )
    assert second.points == 250
    assert ledger.balance_of(account) == 50


def test_a_gift_becomes_convert_to_mdf_with_its_budget_currency():
    reward = RewardFactory(points_price=100)
    the_budget = budget("1000.00")
    rewards.reward_update(
        actor=_manager(),
        reward=reward,
        kind=RewardKind.MDF,
        mdf_budget=the_budget,
        mdf_amount="20.5",
        stock=None,
    )
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.kind, stored.mdf_budget_id) == (RewardKind.MDF, the_budget.pk)
    assert (stored.mdf_amount, stored.mdf_currency) == (Decimal("20.50"), "EUR")


def test_leaving_convert_to_mdf_drops_the_budget_and_amount():
    reward = _mdf_reward()
    rewards.reward_update(actor=_manager(), reward=reward, kind=RewardKind.GOODS)
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.kind, stored.mdf_budget, stored.mdf_amount, stored.mdf_currency) == (
        RewardKind.GOODS,
        None,
        None,
        "",
    )


def test_a_new_budget_brings_its_currency_and_must_be_open():
    reward = _mdf_reward()
    dollars = budget("500.00", fund=FundFactory(currency="USD"))
    rewards.reward_update(actor=_manager(), reward=reward, mdf_budget=dollars)
    assert Reward.objects.get(pk=reward.pk).mdf_currency == "USD"
    closed = budget("500.00", closed_at=timezone.now())
    with pytest.raises(ValidationFailed) as refused:
        rewards.reward_update(actor=_manager(), reward=reward, mdf_budget=closed)
    assert set(refused.value.field_errors) == {"mdf_budget"}
    assert Reward.objects.get(pk=reward.pk).mdf_budget_id == dollars.pk


def test_a_reward_whose_budget_closed_can_still_be_withdrawn():
    reward = _mdf_reward()
    Budget.objects.filter(pk=reward.mdf_budget_id).update(closed_at=timezone.now())
    rewards.reward_update(actor=_manager(), reward=reward, is_active=False)
    assert Reward.objects.get(pk=reward.pk).is_active is False


# --- the console


def test_the_rewards_list_says_each_kind_and_links_to_edit(client):
    the_budget = budget("1000.00")
    gift = RewardFactory(name="Backpack")
    _mdf_reward(the_budget)
    client.force_login(_manager())
    page = client.get("/console/incentives/rewards/").content.decode()
    assert "Gift, merchandise or experience" in page
    assert "Convert to MDF" in page
    assert f"from {the_budget.fund.name} {the_budget.period.name}" in page
    assert f"/console/incentives/rewards/{gift.public_id}/" in page


def test_a_reader_sees_no_edit_link(client):
    gift = RewardFactory()
    client.force_login(VendorUserFactory(vendor_role=VendorRole.FINANCE))
    page = client.get("/console/incentives/rewards/").content.decode()
    assert f"/console/incentives/rewards/{gift.public_id}/" not in page


def test_the_edit_page_starts_from_the_reward_and_saves_what_changed(client):
    reward = RewardFactory(name="Backpack", points_price=100, stock=5)
    client.force_login(_manager())
    url = f"/console/incentives/rewards/{reward.public_id}/"
    page = client.get(url).content.decode()
    assert 'value="Backpack"' in page
    assert "Orders already placed keep the price" in page
    response = client.post(
        url,
        {
            "name": "Backpack",
            "points_price": "120",
            "stock": "5",
            "kind": "goods",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.points_price, stored.stock) == (120, 5)
    entry = AuditEntry.objects.get(verb="reward.updated")
    assert entry.changes == {"points_price": [100, 120]}


def test_the_edit_page_shows_a_refusal_on_the_form_and_changes_nothing(client):
    reward = RewardFactory(name="Backpack", points_price=100)
    client.force_login(_manager())
    response = client.post(
        f"/console/incentives/rewards/{reward.public_id}/",
        {"name": "Backpack", "points_price": "100", "kind": "mdf", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Choose the funds budget it credits." in response.content.decode()
    assert Reward.objects.get(pk=reward.pk).kind == RewardKind.GOODS
    assert _written(reward) == (0, 0)


def test_the_edit_page_keeps_offering_a_budget_that_closed(client):
    reward = _mdf_reward()
    closed = reward.mdf_budget
    Budget.objects.filter(pk=closed.pk).update(closed_at=timezone.now())
    client.force_login(_manager())
    url = f"/console/incentives/rewards/{reward.public_id}/"
    page = client.get(url).content.decode()
    assert f'value="{closed.public_id}" selected' in page
    response = client.post(
        url,
        {
            "name": "Convert to MDF",
            "points_price": "200",
            "kind": "mdf",
            "mdf_budget": str(closed.public_id),
            "mdf_amount": "50.00",
        },
    )
    assert response.status_code == 302
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.points_price, stored.is_active) == (200, False)


# --- the API


def test_the_api_patches_a_reward(client):
    reward = RewardFactory(points_price=100, stock=5)
    audience = AudienceFactory()
    response = client.patch(
        f"/api/v1/rewards/{reward.public_id}",
        {"points_price": 80, "stock": None, "audience": str(audience.public_id)},
        content_type="application/json",
        headers=bearer(_manager()),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["points_price"], body["stock"]) == (80, None)
    assert body["audience"] == str(audience.public_id)
    assert body["name"] == reward.name
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.points_price, stored.stock) == (80, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stock": -1}, "stock"),
        ({"points_price": 0}, "points_price"),
        ({"name": None}, "name"),
        ({"kind": "mdf"}, "mdf_budget"),
        ({"audience": "6c0d6c0d-6c0d-4c0d-8c0d-6c0d6c0d6c0d"}, "audience"),
        ({"mdf_budget": "6c0d6c0d-6c0d-4c0d-8c0d-6c0d6c0d6c0d"}, "mdf_budget"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_bad_patch_is_a_field_error_and_changes_nothing(client, body, field):
    reward = RewardFactory(points_price=100, stock=5)
    response = client.patch(
        f"/api/v1/rewards/{reward.public_id}",
        body,
        content_type="application/json",
        headers=bearer(_manager()),
    )
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in str(response.json()["errors"])
    stored = Reward.objects.get(pk=reward.pk)
    assert (stored.points_price, stored.stock, stored.kind) == (100, 5, "goods")
    assert _written(reward) == (0, 0)


def test_a_partner_user_reads_an_offered_reward_not_another(client):
    user, _partner, _account = _seller_with(10)
    offered = RewardFactory()
    nobody = AudienceFactory(
        rule={"all": [{"field": "status", "op": "eq", "value": "terminated"}]}
    )
    elsewhere = RewardFactory(audience=nobody)
    withdrawn = RewardFactory(is_active=False)
    headers = bearer(user)
    assert client.get(f"/api/v1/rewards/{offered.public_id}", headers=headers).json()[
        "id"
    ] == str(offered.public_id)
    for hidden in (elsewhere, withdrawn):
        response = client.get(f"/api/v1/rewards/{hidden.public_id}", headers=headers)
        assert response.status_code == 404


def test_reading_a_reward_takes_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    reward = _mdf_reward()
    headers = bearer(VendorUserFactory())
    # the token's two, then the reward with its audience, budget, fund, period
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/rewards/{reward.public_id}", headers=headers)
    assert response.json()["mdf_budget"] == str(reward.mdf_budget.public_id)


def test_the_budget_period_that_ended_is_refused_when_newly_chosen():
    reward = RewardFactory()
    ended = budget("100.00")
    period = ended.period
    period.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    period.save(update_fields=["ends_on"])
    with pytest.raises(ValidationFailed) as refused:
        rewards.reward_update(
            actor=_manager(),
            reward=reward,
            kind=RewardKind.MDF,
            mdf_budget=ended,
            mdf_amount=Decimal("5"),
        )
    assert set(refused.value.field_errors) == {"mdf_budget"}
