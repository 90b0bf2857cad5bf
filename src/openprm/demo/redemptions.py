"""Demo redemption orders in every state: placed (fulfilled by hand), cancelled,
awaiting approval and rejected (above the console's approval threshold), and —
through the signed-webhook fulfilment provider, set up as the default on a demo
fulfilment service's endpoint — submitted, shipped, delivered and failed (its
points refunded). The service's reports are recorded as the callback would
record them (no actor, a message id), so each order shows its history.

Nothing listens at the demo endpoint's address, so a first run stays quiet: once
the orders are placed the endpoint is disabled (its undelivered submissions fail
with "The endpoint was disabled.", retryable from its delivery log once enabled)
and the webhook provider stops being the default (new orders wait to be fulfilled
by hand, so placing and approving orders still work). To see the callback come
back: point the endpoint at a real fulfilment service and enable it (Integrations
→ Webhooks), then make the webhook provider the default again (Rewards →
Fulfilment).
"""

from openprm.approvals import services as approvals
from openprm.incentives import rewards, services
from openprm.integrations.models import WebhookEndpoint
from openprm.integrations.webhooks.services import (
    webhook_endpoint_create,
    webhook_endpoint_update,
)

DEMO_FULFILMENT_URL = "http://127.0.0.1:9/openprm-demo-fulfilment"
APPROVAL_ABOVE = 1000


def _endpoint(actor) -> WebhookEndpoint:
    existing = WebhookEndpoint.objects.filter(url=DEMO_FULFILMENT_URL).first()
    return existing or webhook_endpoint_create(
        actor=actor,
        url=DEMO_FULFILMENT_URL,
        event_types=["redemption.submitted"],
        description="Demo fulfilment service (point it at a real one)",
    )


def _quiet(actor, endpoint: WebhookEndpoint) -> None:
    """The webhook provider set up but not the default, its endpoint disabled:
    nothing is sent to an address where nothing listens."""
    rewards.fulfilment_configure(
        actor=actor,
        provider="webhook",
        options={"endpoint": str(endpoint.public_id)},
        is_default=False,
    )
    webhook_endpoint_update(
        actor=actor,
        endpoint=endpoint,
        description=(
            "Demo fulfilment service (disabled: point it at a real one and enable it)"
        ),
        is_active=False,
    )


def build_demo_orders(*, actor, finance, membership, account, backpack, pass_, card):
    """Contoso's orders (``membership`` places them, from ``account``), one per
    state; ``actor`` is a vendor admin. Returns the orders by state."""
    user, partner = membership.user, membership.partner
    services.points_bonus(
        actor=finance,
        account=account,
        points=3000,
        reason="Top reseller of the quarter",
    )

    def place(reward):
        return rewards.redemption_order_place(
            actor=user, partner_id=partner.pk, reward=reward
        )

    orders = {"placed": place(backpack)}
    cancelled = place(backpack)
    orders["cancelled"] = rewards.redemption_order_cancel(actor=user, order=cancelled)
    rewards.incentive_settings_update(
        actor=actor, redemption_approval_above=APPROVAL_ABOVE
    )
    rejected = place(pass_)
    approvals.request_reject(
        request=rejected.approval,
        actor=actor,
        reason="One pass per partner this year: Contoso has one on order.",
    )
    orders["rejected"] = rejected
    orders["pending"] = place(pass_)
    endpoint = _endpoint(actor)
    rewards.fulfilment_configure(
        actor=actor,
        provider="webhook",
        options={"endpoint": str(endpoint.public_id)},
        is_default=True,
    )
    orders["submitted"] = place(backpack)
    for state, reward, reports in (
        ("shipped", backpack, [("shipped", "1Z999AA10123456784", "")]),
        (
            "delivered",
            card,
            [
                ("shipped", "GC-4417-2231", "Sent by email"),
                ("delivered", "", "Redeemed by the recipient"),
            ],
        ),
        ("failed", backpack, [("failed", "", "Out of stock at the warehouse")]),
    ):
        order = place(reward)
        for number, (status, tracking, note) in enumerate(reports, 1):
            order, _changed = rewards.redemption_order_report(
                actor=None,
                order=order,
                status=status,
                tracking=tracking,
                note=note,
                message_id=f"msg_demo_{order.pk}_{number}",
            )
        orders[state] = order
    _quiet(actor, endpoint)
    return orders
