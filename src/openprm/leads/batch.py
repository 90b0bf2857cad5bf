"""Routing many waiting leads at once (an import, a backlog): the same decisions as
the single-lead service (routing.route with the same candidate pool), made with the
candidate stats loaded once, capacity counters kept in memory, and the assignments,
timeline entries, audit entries and events written in bulk, chunk by chunk — one
``COPY`` per table on PostgreSQL, ``executemany`` on SQLite — with the values the
single-lead service would store (the audit entry only when the lead's state changed,
as ``audit.record_change`` does).

Each chunk is one transaction that locks its leads (PostgreSQL) and re-checks that
they are still waiting, so a lead answered or routed meanwhile is left alone. The
events are delivered by the outbox sweep rather than one task each.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from openprm.core import audit, bulk_sql, events, jsontext
from openprm.core.models import AuditAction
from openprm.leads import candidates, routing, services
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
# The lead columns a chunk reads, in the order of the rows _select_chunk returns.
LEAD_COLUMNS = (
    "id",
    "public_id",
    "company",
    "external_id",
    "status",
    "current_partner_id",
    "country",
    "region",
    "postal_code",
    "industry",
    "product_interest",
    "size_band",
    "latitude",
    "longitude",
)
ASSIGNMENT_FIELDS = (
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
)
ACTIVITY_FIELDS = (
    "lead_id",
    "kind",
    "partner_id",
    "actor_id",
    "message",
    "data",
    "created_at",
)


@dataclass
class BatchResult:
    routed: int = 0
    unassigned: int = 0


# JSONField's own encoding (json.dumps defaults), without a field per value.
_json = jsontext.dumps
_text = jsontext.text  # a str as json.dumps writes it
_number = jsontext.number
_strings_json = jsontext.strings


def _passed_json(entries: list[dict]) -> str:
    """json.dumps of routing's passed-over entries (partner, name, why), with
    the keys in the order routing._passed writes them."""
    return (
        "["
        + ", ".join(
            f'{{"partner": {_number(entry["partner"])}, "name": '
            f'{_text(entry["name"])}, "why": {_text(entry["why"])}}}'
            for entry in entries
        )
        + "]"
    )


def _select_chunk(ids: list[int]) -> list[tuple]:
    """The chunk's leads that are still waiting, oldest first, locked on
    PostgreSQL; coordinates as floats, the public id as text (one plain query:
    the ORM would prepare each of the 2,000 ids and convert every value)."""
    quote = connection.ops.quote_name
    real = "double precision" if connection.vendor == "postgresql" else "REAL"
    columns = [quote(name) for name in LEAD_COLUMNS[:-2]] + [
        f"CAST({quote(name)} AS {real})" for name in LEAD_COLUMNS[-2:]
    ]
    statuses = ", ".join(["%s"] * len(ROUTABLE_STATUSES))
    if connection.vendor == "postgresql":
        # One array parameter rather than 2,000 to parse on both sides.
        wanted, lock, parameters = "= ANY(%s)", " FOR UPDATE", [list(ids)]
    else:
        wanted, lock, parameters = f"IN ({', '.join(['%s'] * len(ids))})", "", ids
    # Identifiers from the model's metadata, quoted; values are parameters.
    sql = (
        f"SELECT {', '.join(columns)} FROM {quote(Lead._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('status')} IN ({statuses}) AND {quote('id')} {wanted} "
        f"ORDER BY {quote('id')}{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ROUTABLE_STATUSES, *parameters])
        return cursor.fetchall()


def _public_id(value) -> str:
    """The text of a UUID, as str(uuid) writes it: SQLite stores a UUIDField as
    32 lowercase hex digits, PostgreSQL as a uuid."""
    if isinstance(value, uuid.UUID):
        return str(value)
    return jsontext.uuid_text(value)


class _Lead:
    """What the events read of a lead in the batch (``services.lead_payload``)."""

    __slots__ = (
        "company",
        "country",
        "current_partner_id",
        "external_id",
        "public_id",
        "region",
        "status",
    )

    def __init__(self, row: tuple, status: str, partner_id: int | None):
        self.public_id = _public_id(row[1])
        self.company, self.external_id = row[2], row[3]
        self.country, self.region = row[6], row[7]
        self.status, self.current_partner_id = status, partner_id


class _Writer:
    """The rows of one chunk, written together; audit entries and events through
    the kernel's batch recorder and emitter."""

    def __init__(self, *, actor, now: datetime):
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.respond_by_at = _respond_by(now)
        self.respond_by = connection.ops.adapt_datetimefield_value(self.respond_by_at)
        self.actor_id = actor.pk if actor is not None and actor.pk else None
        self.postgresql = connection.vendor == "postgresql"
        self.assignments: list[tuple] = []
        self.activities: list[tuple] = []
        self.audit = audit.AuditBatch(actor=actor, now=now)
        self.events = events.EventBatch(actor=actor, now=now)
        self.updates: list[tuple] = []
        self._rules: dict[str, str] = {}

    def _rule(self, name: str) -> str:
        text = self._rules.get(name)
        if text is None:
            text = self._rules[name] = _json(name)
        return text

    def add(self, row: tuple, decision: routing.Decision) -> None:
        (lead_id, _public, company, _external, status, holder) = row[:6]
        partner_id = decision.partner_id
        reasons = _strings_json(decision.reasons)
        passed = _passed_json(decision.passed_over)
        if partner_id is not None:
            new_status, verb = LeadStatus.OFFERED.value, "lead.assigned"
            kind = ActivityKind.ASSIGNED.value
            self.assignments.append(
                (
                    lead_id,
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
            rule = self._rule(decision.rule_name)
            data = f'{{"reasons": {reasons}, "passed_over": {passed}, "rule": {rule}}}'
        else:
            new_status = (
                status
                if status in (LeadStatus.REJECTED, LeadStatus.RECALLED)
                else LeadStatus.UNASSIGNED.value
            )
            verb, kind = "lead.unassigned", ActivityKind.UNASSIGNED.value
            data = f'{{"reasons": {reasons}, "passed_over": {passed}}}'
        self.activities.append(
            (lead_id, kind, partner_id, self.actor_id, "", data, self.now)
        )
        # audit.record_change: the fields that changed, nothing if none did.
        changes = {}
        if status != new_status:
            changes["status"] = [status, new_status]
        if holder != partner_id:
            changes["current_partner"] = [holder, partner_id]
        if changes:
            self.audit.add(
                action=AuditAction.UPDATE,
                verb=verb,
                object_type="leads.lead",
                object_id=lead_id,
                label=company,
                partner_id=partner_id,
                changes=changes,
            )
        lead = _Lead(row, new_status, partner_id)
        if partner_id is not None:
            payload = services.assigned_payload(
                lead, decision, respond_by=self.respond_by_at
            )
        else:
            payload = services.unassigned_payload(lead, decision)
        self.events.add(verb, payload=payload, partner_id=partner_id)
        self.updates.append((lead_id, new_status, partner_id))

    def flush(self) -> None:
        bulk_sql.copy_rows(LeadAssignment, ASSIGNMENT_FIELDS, self.assignments)
        bulk_sql.copy_rows(LeadActivity, ACTIVITY_FIELDS, self.activities)
        self.audit.write()
        self.events.write()
        self._update_leads()

    def _update_leads(self) -> None:
        if not self.updates:
            return
        table = connection.ops.quote_name(Lead._meta.db_table)
        with connection.cursor() as cursor:
            if self.postgresql:
                # One statement for the chunk rather than one per lead.
                ids, statuses, partners = zip(*self.updates, strict=True)
                cursor.execute(
                    f"UPDATE {table} AS lead SET status = chunk.status, "  # noqa: S608
                    "current_partner_id = chunk.partner, updated_at = %s "
                    "FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) "
                    "AS chunk (id, status, partner) WHERE lead.id = chunk.id",
                    [self.now, list(ids), list(statuses), list(partners)],
                )
                return
            cursor.executemany(
                f"UPDATE {table} SET status = %s, current_partner_id = %s, "  # noqa: S608
                "updated_at = %s WHERE id = %s",
                [
                    (status, partner_id, self.now, lead_id)
                    for lead_id, status, partner_id in self.updates
                ],
            )


def _facts(row: tuple) -> routing.LeadFacts:
    return routing.LeadFacts(*row[6:])


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
            rows = _select_chunk(chunk)
            excluded = candidates.exclusions([row[0] for row in rows])
            writer = _Writer(actor=actor, now=now)
            for row in rows:
                decision = routing.route(
                    lead=_facts(row),
                    rules=rules,
                    pool=pool,
                    excluded=excluded.get(row[0], {}),
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
