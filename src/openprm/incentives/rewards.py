"""Rewards and redemption orders: spending points, and cancelling (which refunds
them). Stock is taken with a conditional ``UPDATE … WHERE stock > 0`` in the same
transaction as the points, so neither a reward nor a balance is oversold."""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import Conflict, InvalidTransition, ValidationFailed
from openprm.incentives import ledger, permissions, services
from openprm.incentives.choices import OrderStatus
from openprm.incentives.models import RedemptionOrder, Reward

REWARD_FIELDS = [
    "name",
    "description",
    "points_price",
    "stock",
    "audience",
    "is_active",
]


def reward_payload(reward: Reward) -> dict:
    return {
        "id": str(reward.public_id),
        "name": reward.name,
        "points_price": reward.points_price,
        "stock": reward.stock,
        "is_active": reward.is_active,
    }


def order_payload(order: RedemptionOrder) -> dict:
    return {
        "id": str(order.public_id),
        "partner": order.partner_id,
        "reward": str(order.reward.public_id),
        "reward_name": order.reward.name,
        "points": order.points,
        "status": order.status,
        "ordered_by": str(order.ordered_by.public_id) if order.ordered_by_id else None,
    }


@transaction.atomic
def reward_create(*, actor, **data) -> Reward:
    permissions.MANAGE.ensure(actor)
    if not (data.get("name") or "").strip():
        raise ValidationFailed(field_errors={"name": [str(_("Name the reward."))]})
    if not data.get("points_price") or data["points_price"] <= 0:
        raise ValidationFailed(
            field_errors={"points_price": [str(_("Enter a positive price."))]}
        )
    reward = Reward.objects.create(**data)
    audit.record_create(
        actor=actor, instance=reward, fields=REWARD_FIELDS, verb="reward.created"
    )
    events.emit("reward.created", payload=reward_payload(reward), actor=actor)
    return reward


@transaction.atomic
def redemption_order_place(
    *, actor, partner_id: int, reward: Reward
) -> RedemptionOrder:
    """Spend the reward's price from the holder's points and take one from its
    stock; refused (409) when either runs short, with nothing changed."""
    permissions.REDEEM.ensure(actor, partner_id=partner_id)
    if not reward.is_active:
        raise Conflict(_("This reward is no longer offered."))
    if reward.audience_id and not services.rule_reaches(
        reward, services.audiences_of(partner_id)
    ):
        raise Conflict(_("This reward is not offered to your organisation."))
    if reward.stock is not None:
        taken = Reward.objects.filter(pk=reward.pk, stock__gt=0).update(
            stock=F("stock") - 1
        )
        if not taken:
            raise Conflict(_("This reward is out of stock."))
    account = ledger.account_for(partner_id=partner_id, user_id=actor.pk)
    entry = services.points_redeem(
        actor=actor,
        account=account,
        points=reward.points_price,
        reason=str(_("Redeemed: %(reward)s")) % {"reward": reward.name},
        source=ledger.Source("reward", str(reward.public_id), reward.name),
    )
    order = RedemptionOrder.objects.create(
        partner_id=partner_id,
        account=account,
        reward=reward,
        ordered_by=actor,
        points=reward.points_price,
        redeem_entry=entry,
    )
    audit.record_create(
        actor=actor,
        instance=order,
        fields=["reward", "points", "status"],
        verb="redemption.placed",
    )
    events.emit(
        "redemption.placed",
        payload=order_payload(order),
        actor=actor,
        partner_id=partner_id,
    )
    return order


@transaction.atomic
def redemption_order_cancel(*, actor, order: RedemptionOrder) -> RedemptionOrder:
    """Cancel a placed order: its points go back, and its reward to stock."""
    if not actor.is_vendor_staff:
        permissions.REDEEM.ensure(actor, partner_id=order.partner_id)
    else:
        permissions.MANAGE.ensure(actor)
    before = audit.snapshot(order, ["status"])
    claimed = RedemptionOrder.objects.filter(
        pk=order.pk, status=OrderStatus.PLACED
    ).update(status=OrderStatus.CANCELLED)
    if not claimed:
        raise InvalidTransition(order.status, OrderStatus.CANCELLED)
    refund = services.points_refund(
        actor=actor,
        entry=order.redeem_entry,
        reason=str(_("Order cancelled: %(reward)s")) % {"reward": order.reward.name},
    )
    RedemptionOrder.objects.filter(pk=order.pk).update(refund_entry=refund)
    Reward.objects.filter(pk=order.reward_id, stock__isnull=False).update(
        stock=F("stock") + 1
    )
    order.status, order.refund_entry = OrderStatus.CANCELLED, refund
    audit.record_change(
        actor=actor, instance=order, before=before, verb="redemption.cancelled"
    )
    events.emit(
        "redemption.cancelled",
        payload=order_payload(order),
        actor=actor,
        partner_id=order.partner_id,
    )
    return order
