"""Routing many waiting leads at once (an import, a backlog): the same decisions as
the single-lead service (routing.route with the same candidate pool), made with the
candidate stats loaded once, capacity counters kept in memory, and the assignments,
timeline entries, audit entries and events inserted in bulk, chunk by chunk.

Each chunk is one transaction that locks its leads (PostgreSQL) and re-checks that
they are still waiting, so a lead answered or routed meanwhile is left alone. The
events are delivered by the outbox sweep rather than one task each.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.db.models import FloatField
from django.db.models.functions import Cast
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
        latitude=row["lat"],
        longitude=row["lon"],
    )


_json = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


class _Table:
    """An INSERT of many rows through executemany: the values are prepared once
    here (JSON encoded, the chunk's one timestamp adapted) rather than field by
    field by the ORM, which would cost more than the routing itself."""

    def __init__(self, model, columns: list[str]):
        json_columns = {
            field.column
            for field in model._meta.concrete_fields
            if field.get_internal_type() == "JSONField"
        }
        cast = connection.vendor == "postgresql"
        placeholders = ", ".join(
            "CAST(%s AS jsonb)" if cast and column in json_columns else "%s"
            for column in columns
        )
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        self.sql = (
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
            f"({names}) VALUES ({placeholders})"
        )
        self.rows: list[tuple] = []

    def flush(self, cursor) -> None:
        if self.rows:
            cursor.executemany(self.sql, self.rows)


class _Writer:
    """The rows of one chunk, inserted together."""

    def __init__(self, *, actor, now: datetime):
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.respond_by = connection.ops.adapt_datetimefield_value(_respond_by(now))
        self.respond_by_text = _respond_by(now).isoformat()
        self.actor_id = actor.pk if actor is not None and actor.pk else None
        self.actor_label = getattr(actor, "email", "") if actor is not None else ""
        self.request = context.current()
        self.uuid_hex = connection.vendor != "postgresql"
        self.assignments = _Table(
            LeadAssignment,
            [
                "lead_id",
                "partner_id",
                "rule_id",
                "rule_name",
                "reasons",
                "passed_over",
                "offered_at",
                "respond_by",
                "outcome",
                "outcome_reason",
            ],
        )
        self.activities = _Table(
            LeadActivity,
            [
                "lead_id",
                "kind",
                "partner_id",
                "actor_id",
                "message",
                "data",
                "created_at",
            ],
        )
        self.audits = _Table(
            AuditEntry,
            [
                "occurred_at",
                "actor_id",
                "actor_label",
                "token_id",
                "token_label",
                "action",
                "verb",
                "object_type",
                "object_id",
                "object_repr",
                "partner_id",
                "changes",
                "request_id",
                "client_ip",
            ],
        )
        self.events = _Table(
            OutboxEvent,
            [
                "uuid",
                "name",
                "version",
                "occurred_at",
                "actor_id",
                "partner_id",
                "payload",
                "request_id",
            ],
        )
        self.updates: list[tuple] = []

    def add(self, row: dict, decision: routing.Decision) -> None:
        partner_id = decision.partner_id
        status = row["status"]
        reasons, passed = _json(decision.reasons), _json(decision.passed_over)
        rule = _json(decision.rule_name)
        if partner_id is not None:
            new_status, verb, kind = LeadStatus.OFFERED, "lead.assigned", "assigned"
            self.assignments.rows.append(
                (
                    row["id"],
                    partner_id,
                    decision.rule_id,
                    decision.rule_name,
                    reasons,
                    passed,
                    self.now,
                    self.respond_by,
                    "pending",
                    "",
                )
            )
            data = f'{{"reasons": {reasons}, "passed_over": {passed}, "rule": {rule}}}'
            extra = f', "rule": {rule}, "respond_by": "{self.respond_by_text}"'
            changes = {
                "status": [status, new_status],
                "current_partner": [None, partner_id],
            }
        else:
            new_status = status if status in ("rejected", "recalled") else "unassigned"
            verb, kind = "lead.unassigned", ActivityKind.UNASSIGNED
            data = f'{{"reasons": {reasons}, "passed_over": {passed}}}'
            extra = ""
            changes = {"status": [status, new_status]}
        self.activities.rows.append(
            (row["id"], kind, partner_id, self.actor_id, "", data, self.now)
        )
        request = self.request
        self.audits.rows.append(
            (
                self.now,
                self.actor_id,
                self.actor_label,
                request.token_id,
                request.token_label,
                AuditAction.UPDATE,
                verb,
                "leads.lead",
                str(row["id"]),
                row["company"][:200],
                partner_id,
                _json(changes),
                request.request_id,
                request.client_ip,
            )
        )
        payload = _json(
            {
                "id": str(row["public_id"]),
                "external_id": row["external_id"],
                "company": row["company"],
                "country": row["country"],
                "region": row["region"],
                "status": new_status,
                "partner": partner_id,
            }
        )
        payload = f'{payload[:-1]}, "reasons": {reasons}{extra}}}'
        event_id = uuid.uuid4()
        self.events.rows.append(
            (
                event_id.hex if self.uuid_hex else event_id,
                verb,
                1,
                self.now,
                self.actor_id,
                partner_id,
                payload,
                request.request_id,
            )
        )
        self.updates.append((new_status, partner_id, self.now, row["id"]))

    def flush(self) -> None:
        table = connection.ops.quote_name(Lead._meta.db_table)
        with connection.cursor() as cursor:
            for rows in (self.assignments, self.activities, self.audits, self.events):
                rows.flush(cursor)
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
                .annotate(
                    lat=Cast("latitude", FloatField()),
                    lon=Cast("longitude", FloatField()),
                )
                .values(*LEAD_COLUMNS, "lat", "lon")
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
