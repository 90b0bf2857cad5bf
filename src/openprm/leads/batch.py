"""Routing many waiting leads at once (an import, a backlog): the same decisions as
the single-lead service (routing.route with the same candidate pool), made with the
candidate stats loaded once, capacity counters kept in memory, and the assignments,
timeline entries, audit entries and events inserted in bulk, chunk by chunk.

Each chunk is one transaction that locks its leads (PostgreSQL) and re-checks that
they are still waiting, so a lead answered or routed meanwhile is left alone. The
events are delivered by the outbox sweep rather than one task each.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from openprm.core import context
from openprm.core.models import AuditAction, AuditEntry, OutboxEvent
from openprm.leads import candidates, routing
from openprm.leads.models import (
    ROUTABLE_STATUSES,
    ActivityKind,
    Lead,
    LeadActivity,
    LeadAssignment,
    LeadStatus,
)
from openprm.leads.selectors import ensure_can_manage_leads
from openprm.leads.services import _persist_rotation, _respond_by

CHUNK_SIZE = 2000
LEAD_COLUMNS = (
    "id",
    "public_id",
    "company",
    "external_id",
    "status",
    "country",
    "region",
    "postal_code",
    "industry",
    "product_interest",
    "size_band",
    "latitude",
    "longitude",
)


@dataclass
class BatchResult:
    routed: int = 0
    unassigned: int = 0


def _facts(row: dict) -> routing.LeadFacts:
    return routing.LeadFacts(
        country=row["country"],
        region=row["region"],
        postal_code=row["postal_code"],
        industry=row["industry"],
        product_interest=row["product_interest"],
        size_band=row["size_band"],
        latitude=None if row["latitude"] is None else float(row["latitude"]),
        longitude=None if row["longitude"] is None else float(row["longitude"]),
    )


class _Writer:
    """The rows of one chunk, inserted together."""

    def __init__(self, *, actor, now: datetime):
        self.actor, self.now = actor, now
        self.actor_id = actor.pk if actor is not None and actor.pk else None
        request = context.current()
        self.audit_common = {
            "actor_id": self.actor_id,
            "actor_label": getattr(actor, "email", "") if actor is not None else "",
            "token_id": request.token_id,
            "token_label": request.token_label,
            "request_id": request.request_id,
            "client_ip": request.client_ip,
            "occurred_at": now,
            "action": AuditAction.UPDATE,
            "object_type": Lead._meta.label_lower,
        }
        self.request_id = request.request_id
        self.assignments, self.activities = [], []
        self.audits, self.events, self.updates = [], [], []

    def add(self, row: dict, decision: routing.Decision) -> None:
        partner_id = decision.partner_id
        status = row["status"]
        if partner_id is not None:
            new_status, verb, kind = LeadStatus.OFFERED, "lead.assigned", "assigned"
        else:
            new_status = status if status in ("rejected", "recalled") else "unassigned"
            verb, kind = "lead.unassigned", ActivityKind.UNASSIGNED
        data = {"reasons": decision.reasons, "passed_over": decision.passed_over}
        payload = {
            "id": str(row["public_id"]),
            "external_id": row["external_id"],
            "company": row["company"],
            "country": row["country"],
            "region": row["region"],
            "status": new_status,
            "partner": partner_id,
            "reasons": decision.reasons,
        }
        if partner_id is not None:
            respond_by = _respond_by(self.now)
            self.assignments.append(
                LeadAssignment(
                    lead_id=row["id"],
                    partner_id=partner_id,
                    rule_id=decision.rule_id,
                    rule_name=decision.rule_name,
                    reasons=decision.reasons,
                    passed_over=decision.passed_over,
                    offered_at=self.now,
                    respond_by=respond_by,
                )
            )
            data["rule"] = decision.rule_name
            payload["rule"] = decision.rule_name
            payload["respond_by"] = respond_by.isoformat()
        self.activities.append(
            LeadActivity(
                lead_id=row["id"],
                kind=kind,
                actor_id=self.actor_id,
                partner_id=partner_id,
                data=data,
                created_at=self.now,
            )
        )
        changes = {"status": [status, new_status]}
        if partner_id is not None:
            changes["current_partner"] = [None, partner_id]
        self.audits.append(
            AuditEntry(
                **self.audit_common,
                verb=verb,
                object_id=str(row["id"]),
                object_repr=row["company"][:200],
                partner_id=partner_id,
                changes=changes,
            )
        )
        self.events.append(
            OutboxEvent(
                name=verb,
                payload=payload,
                actor_id=self.actor_id,
                partner_id=partner_id,
                request_id=self.request_id,
                occurred_at=self.now,
            )
        )
        self.updates.append((new_status, partner_id, self.now, row["id"]))

    def flush(self) -> None:
        LeadAssignment.objects.bulk_create(self.assignments)
        LeadActivity.objects.bulk_create(self.activities)
        AuditEntry.objects.bulk_create(self.audits)
        OutboxEvent.objects.bulk_create(self.events)
        table = Lead._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET status = %s, current_partner_id = %s, "  # noqa: S608
                "updated_at = %s WHERE id = %s",
                self.updates,
            )


def route_waiting_leads(
    *,
    actor=None,
    lead_ids: list[int] | None = None,
    chunk_size: int = CHUNK_SIZE,
    now: datetime | None = None,
) -> BatchResult:
    """Route every waiting lead (or those of ``lead_ids`` still waiting), oldest
    first; returns how many went to a partner and how many found nobody."""
    if actor is not None:
        ensure_can_manage_leads(actor)
    now = now or timezone.now()
    waiting = Lead.objects.filter(status__in=ROUTABLE_STATUSES)
    if lead_ids is not None:
        waiting = waiting.filter(pk__in=lead_ids)
    ids = list(waiting.order_by("id").values_list("id", flat=True))
    result = BatchResult()
    if not ids:
        return result
    places = waiting.values_list("country", "region").distinct()
    rules = candidates.active_rules()
    pool = candidates.load_pool(
        [routing.LeadFacts(country=c, region=r) for c, r in places], rules
    )
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        with transaction.atomic():
            rotation = {rule.id: rule.last_partner_id for rule in rules}
            rows = list(
                Lead.objects.select_for_update()
                .filter(pk__in=chunk, status__in=ROUTABLE_STATUSES)
                .order_by("id")
                .values(*LEAD_COLUMNS)
            )
            excluded = candidates.exclusions([row["id"] for row in rows])
            writer = _Writer(actor=actor, now=now)
            for row in rows:
                decision = routing.route(
                    lead=_facts(row),
                    rules=rules,
                    pool=pool,
                    excluded=excluded.get(row["id"], {}),
                )
                if decision.partner_id is not None:
                    pool.take(decision.partner_id)
                    result.routed += 1
                else:
                    result.unassigned += 1
                writer.add(row, decision)
            writer.flush()
            _persist_rotation(rules, rotation)
    return result
