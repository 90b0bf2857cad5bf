"""Scores follow their partner: a created or changed partner is scored again."""

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.partners.models import Partner
from openprm.scoring.services import partner_score_recompute

SUBSCRIBER_NAME = "scoring.recompute_partner"


@events.subscriber(
    SUBSCRIBER_NAME,
    events=["partner.created", "partner.updated", "partner.status_changed"],
)
def recompute_partner(event: OutboxEvent) -> None:
    """Idempotent: an unchanged score writes nothing."""
    partner = Partner.objects.filter(pk=event.payload.get("id")).first()
    if partner is not None:
        partner_score_recompute(partner=partner)
