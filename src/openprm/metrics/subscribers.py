"""The outbox subscriber that keeps the rollups: each event names a partner and a
moment; the cells it may have changed are recomputed from the facts."""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from openprm.core import events
from openprm.core.models import OutboxEvent
from openprm.deals.models import Deal
from openprm.incentives.models import SalesLine
from openprm.leads.models import LeadAssignment
from openprm.metrics import rollups
from openprm.metrics.catalogue import event_patterns
from openprm.metrics.sources import DEAL_EVENTS, LEAD_EVENTS  # registers the series

NAME = "metrics.rollups"
# An event committed just after midnight may record a fact of the day before.
CLOCK_SLACK = datetime.timedelta(minutes=2)
# Sales reported through the API are written in the request that then emits
# ``sales.reported`` (at most 2,000 lines): its lines were reported this long
# before the event at most.
SALES_REQUEST_SLACK = datetime.timedelta(minutes=15)

PATTERNS = tuple(dict.fromkeys([*event_patterns(), *DEAL_EVENTS, *LEAD_EVENTS]))


def _day(moment) -> datetime.date:
    return timezone.localdate(moment)


def _touched(batch: Iterable[OutboxEvent]) -> tuple[set[int], set[datetime.date]]:
    partners: set[int] = set()
    days: set[datetime.date] = set()
    deal_ids: list[str] = []
    lead_ids: list[str] = []
    for event in batch:
        if not event.partner_id:
            continue
        partners.add(event.partner_id)
        days.update({_day(event.occurred_at), _day(event.occurred_at - CLOCK_SLACK)})
        payload = event.payload or {}
        previous = payload.get("previous_partner")
        if isinstance(previous, int):
            partners.add(previous)
        if isinstance(payload.get("occurred_at"), str):
            days.add(_day(datetime.datetime.fromisoformat(payload["occurred_at"])))
        if event.name.startswith("deal.") and payload.get("id"):
            deal_ids.append(payload["id"])
        if event.name.startswith("lead.") and payload.get("id"):
            lead_ids.append(payload["id"])
        # A deal attributed to a funded activity counts for its ROI on its win date.
        if event.name.startswith("fund_request.") and isinstance(
            payload.get("deal"), str
        ):
            deal_ids.append(payload["deal"])
        # A certification revoked or expired leaves every month since it was
        # earned: recompute them (the months between the days are).
        if event.name.startswith("certification.") and isinstance(
            payload.get("earned_at"), str
        ):
            days.add(_day(datetime.datetime.fromisoformat(payload["earned_at"])))
        if event.name == "sales.reported":
            days.update(_invoice_days(event))
    # A deal's figures sit on the days of its facts (registered, decided, closed,
    # won on a date the partner gives), not only on the day of the event.
    for row in Deal.objects.filter(public_id__in=deal_ids).values(
        "submitted_at", "decided_at", "closed_at", "revenue__won_on"
    ):
        for key in ("submitted_at", "decided_at", "closed_at"):
            if row[key] is not None:
                days.add(_day(row[key]))
        if row["revenue__won_on"] is not None:
            days.add(row["revenue__won_on"])
    # A recall dated by the sweep's clock, an offer answered for another partner:
    # every offer of the lead, with its partner, on the days of its answer.
    for row in LeadAssignment.objects.filter(
        lead__public_id__in=lead_ids, outcome_at__isnull=False
    ).values("partner_id", "outcome_at"):
        partners.add(row["partner_id"])
        days.add(_day(row["outcome_at"]))
    return partners, days


def _invoice_days(event: OutboxEvent) -> set[datetime.date]:
    """The invoice dates of the lines a ``sales.reported`` event announced: the
    batch's, which its payload lists (``invoice_dates``); for an event written
    before the payload carried them, the file's lines, or the partner's lines
    reported by the API call."""
    payload = event.payload or {}
    listed = payload.get("invoice_dates")
    if isinstance(listed, list):
        return {datetime.date.fromisoformat(day) for day in listed}
    lines = SalesLine.objects.filter(partner_id=event.partner_id)
    upload = payload.get("upload")
    if upload:
        lines = lines.filter(upload__public_id=upload)
    else:
        lines = lines.filter(
            upload__isnull=True,
            reported_at__gte=event.occurred_at - SALES_REQUEST_SLACK,
            reported_at__lte=event.occurred_at,
        )
    return set(lines.order_by().values_list("invoiced_on", flat=True).distinct())


def refresh_for(batch: Iterable[OutboxEvent]) -> None:
    partners, days = _touched(batch)
    rollups.refresh(partner_ids=partners, days=days)


@events.subscriber(NAME, events=PATTERNS)
def keep_rollups(event: OutboxEvent) -> None:
    refresh_for([event])


@events.batch_handler(NAME)
def keep_rollups_batch(batch: list[OutboxEvent]) -> None:
    refresh_for(batch)
