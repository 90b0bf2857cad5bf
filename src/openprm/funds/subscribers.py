"""Funds follow deals and sales. Deals: a deal registered with an activity's
campaign code in its title or description is attributed to that activity
(idempotent: a deal already attributed is left alone). Sales: a partner's
reported sales accrue into co-op budgets (``services.coop_accrue_reported``)."""

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.deals.models import Deal
from openprm.funds import services


@events.subscriber("funds.attribute_by_code", events=["deal.registered"])
def attribute_deal(event: OutboxEvent) -> None:
    deal = Deal.objects.filter(public_id=event.payload.get("id")).first()
    if deal is not None:
        services.attribute_by_campaign_code(
            deal=deal, text=f"{deal.title} {deal.description}"
        )


@events.subscriber("funds.coop_accrual", events=["sales.reported"])
def accrue_coop(event: OutboxEvent) -> None:
    """A partner reported sales: accrue them into the co-op budgets that accrue
    (idempotent: lines already counted add nothing)."""
    partner_id = event.payload.get("partner")
    if partner_id:
        services.coop_accrue_reported(partner_id=partner_id)
