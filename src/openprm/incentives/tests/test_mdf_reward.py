"""A "convert to MDF" reward: each redemption credits its amount of a funds
budget to the redeeming partner's allocation, once; a refusal fails the order
and refunds its points."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.approvals import services as approvals
from openprm.core.errors import ValidationFailed
from openprm.core.models import OutboxEvent
from openprm.funds import selectors as funds_selectors
from openprm.funds import services as funds_services
from openprm.funds.choices import EntryKind as FundEntryKind
from openprm.funds.models import Allocation, Budget, LedgerEntry
from openprm.funds.tests.factories import FundFactory, budget
from openprm.incentives import ledger, rewards
from openprm.incentives.choices import EntryKind, OrderStatus, RewardKind
from openprm.incentives.models import Reward
from openprm.incentives.tests.factories import RewardFactory
from openprm.programs.tests.test_api import bearer
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db


def _seller_with(points, partner=None):
    fields = {"roles": [PartnerRole.SALES]}
    if partner is not None:
        fields["partner"] = partner
    user = partner_user(**fields)
    partner = user.memberships.get().partner
    account = ledger.account_for(partner_id=partner.pk)
    if points:
        with transaction.atomic():
            ledger.credit(account=account, kind=EntryKind.BONUS, points=points)
    return user, partner, account


def _mdf_reward(the_budget=None, amount="500.00", **fields):
    the_budget = the_budget or budget("10000.00")
    return RewardFactory(
        name="Convert to MDF",
        kind=RewardKind.MDF,
        mdf_budget=the_budget,
        mdf_amount=Decimal(amount),
        mdf_currency=the_budget.fund.currency,
        stock=None,
        **fields,
    )


def _available(partner, the_budget):
    allocation = Allocation.objects.filter(partner=partner, budget=the_budget).first()
    if allocation is None:
        return Decimal("0.00")
    return funds_selectors.allocation_figures(allocation=allocation).available


def test_redeeming_credits_exactly_the_amount_to_the_partner_allocation():
    user, partner, account = _seller_with(300)
    reward = _mdf_reward()
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    assert order.status == OrderStatus.DELIVERED
    assert ledger.balance_of(account) == 200
    the_budget = reward.mdf_budget
    assert _available(partner, the_budget) == Decimal("500.00")
    allocation = Allocation.objects.get(partner=partner, budget=the_budget)
    assert allocation.available == Decimal("500.00")
    assert Budget.objects.get(pk=the_budget.pk).unallocated == Decimal("9500.00")
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.reference) == (FundEntryKind.POINTS, str(order.public_id))
    note = order.fulfilment_updates.get().note
    assert note.startswith(
        f"Credited to {the_budget.fund.name} {the_budget.period.name}"
    )
    assert OutboxEvent.objects.filter(name="fund.allocated").count() == 1
    assert OutboxEvent.objects.filter(name="redemption.delivered").count() == 1


def test_the_credit_is_idempotent_on_retry():
    user, partner, _account = _seller_with(300)
    reward = _mdf_reward()
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    again = funds_services.allocation_credit_from_points(
        partner=partner,
        budget=reward.mdf_budget,
        amount=reward.mdf_amount,
        currency="EUR",
        redemption_ref=str(order.public_id),
        actor=user,
    )
    assert LedgerEntry.objects.count() == 1
    assert again == LedgerEntry.objects.get()
    assert _available(partner, reward.mdf_budget) == Decimal("500.00")


def test_a_closed_budget_fails_the_order_and_refunds_the_points():
    user, partner, account = _seller_with(300)
    the_budget = budget("10000.00")
    reward = _mdf_reward(the_budget)
    Budget.objects.filter(pk=the_budget.pk).update(closed_at=timezone.now())
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    assert order.status == OrderStatus.FAILED
    assert ledger.balance_of(account) == 300
    assert ledger.spendable_of(account) == 300
    assert LedgerEntry.objects.count() == 0
    assert not Allocation.objects.filter(partner=partner).exists()
    assert "closed" in order.fulfilment_updates.get().note
    assert Budget.objects.get(pk=the_budget.pk).unallocated == Decimal("10000.00")


def test_a_spent_budget_fails_the_order_and_refunds():
    user, partner, account = _seller_with(300)
    reward = _mdf_reward(budget("100.00"))
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    assert order.status == OrderStatus.FAILED
    assert ledger.balance_of(account) == 300


def test_a_budget_in_another_currency_is_refused_by_funds():
    _user, partner, _account = _seller_with(0)
    the_budget = budget(fund=FundFactory(currency="USD"))
    with pytest.raises(ValidationFailed) as refused:
        funds_services.allocation_credit_from_points(
            partner=partner,
            budget=the_budget,
            amount="10.00",
            currency="EUR",
            redemption_ref="x-1",
            actor=None,
        )
    assert "budget" in refused.value.field_errors
    assert LedgerEntry.objects.count() == 0


def test_partner_a_redemption_never_credits_partner_b():
    user_a, partner_a, _ = _seller_with(300)
    _user_b, partner_b, _ = _seller_with(300)
    reward = _mdf_reward()
    rewards.redemption_order_place(actor=user_a, partner_id=partner_a.pk, reward=reward)
    assert _available(partner_a, reward.mdf_budget) == Decimal("500.00")
    assert not Allocation.objects.filter(partner=partner_b).exists()
    assert not LedgerEntry.objects.filter(partner=partner_b).exists()


def test_an_order_needing_approval_is_credited_once_approved(settings):
    settings.OPENPRM_REDEMPTION_APPROVAL_ABOVE = 99
    user, partner, account = _seller_with(300)
    reward = _mdf_reward()
    order = rewards.redemption_order_place(
        actor=user, partner_id=partner.pk, reward=reward
    )
    assert order.status == OrderStatus.PENDING_APPROVAL
    assert LedgerEntry.objects.count() == 0
    approvals.request_approve(
        request=order.approval,
        actor=VendorUserFactory(vendor_role=VendorRole.VENDOR_ADMIN),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert _available(partner, reward.mdf_budget) == Decimal("500.00")
    assert ledger.balance_of(account) == 200


# --- set-up: service, form, API


def test_a_mdf_reward_needs_a_budget_and_an_amount():
    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    with pytest.raises(ValidationFailed) as refused:
        rewards.reward_create(
            actor=manager, name="MDF", points_price=100, kind=RewardKind.MDF
        )
    assert set(refused.value.field_errors) == {"mdf_budget", "mdf_amount"}
    assert Reward.objects.count() == 0


def test_another_kind_must_not_carry_mdf_fields():
    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    with pytest.raises(ValidationFailed) as refused:
        rewards.reward_create(
            actor=manager,
            name="Mug",
            points_price=100,
            kind=RewardKind.GOODS,
            mdf_budget=budget(),
            mdf_amount=Decimal("5"),
        )
    assert set(refused.value.field_errors) == {"mdf_budget", "mdf_amount"}


def test_the_api_creates_a_mdf_reward_with_field_errors_first(client):
    headers = bearer(VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING))
    the_budget = budget()
    bad = client.post(
        "/api/v1/rewards",
        {"name": "MDF", "points_price": 1000, "kind": "mdf", "mdf_amount": "500"},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422
    assert "mdf_budget" in str(bad.json())
    wrong = client.post(
        "/api/v1/rewards",
        {
            "name": "MDF",
            "points_price": 1000,
            "kind": "mdf",
            "mdf_budget": str(the_budget.public_id),
            "mdf_amount": "500",
            "mdf_currency": "USD",
        },
        content_type="application/json",
        headers=headers,
    )
    assert wrong.status_code == 422
    assert "mdf_currency" in str(wrong.json())
    assert Reward.objects.count() == 0
    good = client.post(
        "/api/v1/rewards",
        {
            "name": "MDF",
            "points_price": 1000,
            "kind": "mdf",
            "mdf_budget": str(the_budget.public_id),
            "mdf_amount": "500",
        },
        content_type="application/json",
        headers=headers,
    )
    assert good.status_code == 201, good.content
    body = good.json()
    assert (body["kind"], body["mdf_amount"], body["mdf_currency"]) == (
        "mdf",
        "500.00",
        "EUR",
    )
    assert body["mdf_budget"] == str(the_budget.public_id)


def test_the_console_form_shows_field_errors_and_saves(client):
    manager = VendorUserFactory(vendor_role=VendorRole.CHANNEL_MARKETING)
    the_budget = budget()
    client.force_login(manager)
    url = "/console/incentives/rewards/new/"
    page = client.post(
        url, {"name": "MDF", "points_price": "100", "kind": "mdf", "is_active": "on"}
    )
    assert page.status_code == 200
    assert "Choose the funds budget it credits." in page.content.decode()
    assert Reward.objects.count() == 0
    client.post(
        url,
        {
            "name": "MDF",
            "points_price": "100",
            "kind": "mdf",
            "mdf_budget": str(the_budget.public_id),
            "mdf_amount": "250.00",
            "is_active": "on",
        },
    )
    reward = Reward.objects.get()
    assert (reward.kind, reward.mdf_amount, reward.mdf_currency) == (
        "mdf",
        Decimal("250.00"),
        "EUR",
    )


def test_the_portal_card_says_what_it_gives(client):
    user, _partner, _account = _seller_with(300)
    _mdf_reward()
    client.force_login(user)
    page = client.get("/portal/rewards/").content.decode()
    assert "500.00 EUR of market development funds" in page


def test_a_budget_whose_period_ended_is_refused_by_funds():
    _user, partner, _account = _seller_with(0)
    the_budget = budget()
    period = the_budget.period
    period.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    period.save(update_fields=["ends_on"])
    with pytest.raises(ValidationFailed) as refused:
        funds_services.allocation_credit_from_points(
            partner=partner,
            budget=the_budget,
            amount="10.00",
            currency="EUR",
            redemption_ref="x-2",
            actor=None,
        )
    assert refused.value.field_errors == {"budget": ["This budget's period has ended."]}
    assert not Allocation.objects.filter(partner=partner).exists()
