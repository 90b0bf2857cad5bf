"""Funds follow deals: a deal registered with an activity's campaign code in its
title or description is attributed to that activity. Idempotent: a deal already
attributed is left alone."""

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
