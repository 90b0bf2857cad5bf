"""Points for behaviour: the earning rules' events, and the reversal of what a
deal earned when it is lost after it was won.

Each handler is idempotent: an earn is unique per rule and source, a reversal
per earn, so a re-delivered event changes nothing.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.incentives import ledger, services
from openprm.leads.models import AssignmentOutcome, LeadAssignment
from openprm.tenancy.models import Membership


def _source(event: OutboxEvent) -> ledger.Source:
    """The deal an event is about, or the event itself."""
    payload = event.payload
    if event.name.startswith("deal."):
        return ledger.Source(
            "deal", str(payload.get("id", "")), payload.get("title", "")
        )
    if event.name == "lead.accepted":
        return ledger.Source(
            "lead", str(payload.get("id", "")), payload.get("company", "")
        )
    if event.name == "announcement.acknowledged":
        return ledger.Source(
            "announcement",
            str(payload.get("announcement", "")),
            payload.get("title", ""),
        )
    if event.name == "partner.profile_completed":
        # Once per partner and journey: the journey is the source.
        return ledger.Source(
            "journey", str(payload.get("journey", "")), payload.get("title", "")
        )
    subject = payload.get("id") or payload.get("course") or payload.get("certification")
    return ledger.Source(
        "event", f"{event.name}:{subject or event.uuid}"[:64], payload.get("title", "")
    )


def _accepted_in_time(lead_public_id: str) -> bool:
    """Whether the lead's accepted offer was answered by its deadline."""
    offer = (
        LeadAssignment.objects.filter(
            lead__public_id=lead_public_id, outcome=AssignmentOutcome.ACCEPTED
        )
        .order_by("-offered_at")
        .values_list("outcome_at", "respond_by")
        .first()
    )
    return bool(offer and offer[0] and offer[0] <= offer[1])


def _roles(user_id, partner_id) -> frozenset:
    if user_id is None:
        return frozenset()
    roles = (
        Membership.objects.filter(user_id=user_id, partner_id=partner_id)
        .values_list("roles", flat=True)
        .first()
    )
    return frozenset(roles or ())


@events.subscriber("incentives.behaviour", events=list(services.BEHAVIOUR_EVENTS))
def earn_for_behaviour(event: OutboxEvent) -> None:
    partner_id = event.partner_id or event.payload.get("partner")
    if not partner_id:
        return
    if event.name == "lead.accepted" and not _accepted_in_time(event.payload.get("id")):
        return
    user_id = event.actor_id
    services.points_earn_for_event(
        name=event.name,
        partner_id=partner_id,
        user_id=user_id,
        source=_source(event),
        roles=_roles(user_id, partner_id),
        now=event.occurred_at or timezone.now(),
    )


@events.subscriber("incentives.deal_lost", events=["deal.lost"])
def reverse_lost_deal(event: OutboxEvent) -> None:
    services.points_reverse_source(
        source_type="deal",
        source_id=str(event.payload.get("id", "")),
        reason=_("The deal was lost."),
    )
