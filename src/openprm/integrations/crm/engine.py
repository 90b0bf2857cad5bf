"""The sync engine: one run over a connection's records, and the sending of single
outgoing changes.

A run reads the CRM's changed records page by page (saving its cursor after each
page, so that a run taken over after its worker died goes on where it stopped), then
sends OpenPRM's records that changed since they last agreed. Every record is
handled on its own: an error is logged for that record and the run goes on; only
an error that no record can escape (wrong credentials, the CRM down, a wrong
mapping) stops the run, and is shown on the connection.

Nothing is created twice: a record without a link is first matched (external id,
then website domain and name with the partner duplicates' matcher) and linked, or
left for a person to decide when the match is not certain enough; a CRM record
being created is marked on its link before the request, and a retry looks for it
before creating it again.
"""

import logging
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from openprm.core import events
from openprm.core.errors import ApplicationError
from openprm.integrations.crm import credentials, mapping
from openprm.integrations.crm.connectors import connector_for
from openprm.integrations.crm.connectors.base import (
    Connector,
    ConnectorError,
)
from openprm.integrations.crm.models import (
    ConflictStatus,
    CrmConnection,
    DecisionStatus,
    Direction,
    LinkState,
    MatchDecision,
    Outcome,
    RunStatus,
    SyncConflict,
    SyncLink,
    SyncLogEntry,
    SyncMapping,
    SyncRun,
)
from openprm.integrations.crm.objects import OBJECTS, Candidate
from openprm.partners.duplicates import BlockingIndex

logger = logging.getLogger(__name__)

LOCAL_BATCH = 200
COUNTERS = {
    Outcome.CREATED: "created",
    Outcome.UPDATED: "updated",
    Outcome.LINKED: "linked",
    Outcome.SKIPPED: "skipped",
    Outcome.CONFLICT: "conflicts",
    Outcome.ERROR: "errors",
    Outcome.QUEUED: "queued",
    Outcome.ARCHIVED: "archived",
}


WINNER_WORDS = {"crm": "CRM value kept", "prm": "OpenPRM value kept", "ask": "waiting"}


def archive_link(
    connection: CrmConnection,
    link: SyncLink,
    *,
    reason: str,
    direction: str,
    label: str = "",
    run: SyncRun | None = None,
) -> SyncLogEntry:
    """A record deleted (or deactivated) on one side: its link is archived — kept,
    with the reason, so that neither side re-creates the record — and the other
    side's record is left as its kind's rule says (see docs/crm-sync.md,
    "Deletions"). Logged as ``archived``."""
    now = timezone.now()
    link.state = LinkState.ARCHIVED
    link.archived_at = now
    link.archived_reason = reason[:200]
    link.save(update_fields=["state", "archived_at", "archived_reason"])
    if run is not None:
        SyncRun.objects.filter(pk=run.pk).update(archived=F("archived") + 1)
    return SyncLogEntry.objects.create(
        connection=connection, run=run, object_type=link.object_type,
        direction=direction, outcome=Outcome.ARCHIVED, local_id=link.local_id,
        remote_id=link.remote_id, label=(label or link.local_values.get("name")
                                         or "")[:200],
        message=reason,
    )  # fmt: skip


def archive_missing(connection: CrmConnection, object_type: str, local_ids) -> int:
    """Archive the links of ``local_ids`` whose OpenPRM records are gone (deleted
    in OpenPRM); how many."""
    handler = OBJECTS[object_type].for_connection(connection)
    links = list(
        SyncLink.objects.filter(
            connection=connection, object_type=object_type,
            local_id__in=list(local_ids),
        ).exclude(state=LinkState.ARCHIVED)
    )  # fmt: skip
    missing = handler.missing_ids([link.local_id for link in links])
    for link in links:
        if link.local_id in missing:
            archive_link(
                connection, link, direction=Direction.OUT,
                reason="Deleted in OpenPRM; the CRM record is kept.",
            )  # fmt: skip
    return len(missing)


class RunStopped(Exception):
    """The run cannot go on: the message says why (shown on the connection)."""


def _same(left: Any, right: Any) -> bool:
    return ("" if left is None else str(left)) == ("" if right is None else str(right))


def current_mapping(connection: CrmConnection, object_type: str) -> SyncMapping:
    found = (
        SyncMapping.objects.filter(connection=connection, object_type=object_type)
        .order_by("-version")
        .first()
    )
    if found is None:
        # A connection made before this kind of record was synced: it starts from
        # the default mapping, as a new connection does.
        found, _created = SyncMapping.objects.get_or_create(
            connection=connection, object_type=object_type, version=1,
            defaults={"fields": OBJECTS[object_type].default_mapping},
        )  # fmt: skip
    return found


def connector_of(connection: CrmConnection) -> Connector:
    try:
        secret = credentials.decrypt(connection.credentials_encrypted)
    except credentials.CredentialsUnreadable:
        raise RunStopped(
            "The stored credentials cannot be read with the current key: enter "
            "them again."
        ) from None
    return connector_for(
        connection.connector_type,
        config=connection.config,
        credentials=secret,
        per_second=connection.requests_per_second,
    )


class ObjectSync:
    """One kind of record of one connection, within a run (or alone, for single
    outgoing changes and "re-sync this record")."""

    def __init__(
        self,
        *,
        connection: CrmConnection,
        connector: Connector,
        object_type: str,
        run: SyncRun | None = None,
    ):
        self.connection = connection
        self.connector = connector
        self.run = run
        self.handler = OBJECTS[object_type].for_connection(connection)
        self.object_type = object_type
        self.remote_object = self.handler.remote_object
        self.mapping = current_mapping(connection, object_type)
        try:
            self.specs = mapping.parse(self.mapping.fields)
        except mapping.MappingError as error:
            raise RunStopped(f"The mapping is wrong: {error}") from None
        described = connector.describe_fields(self.remote_object)
        self.remote_fields = {info.name: info for info in described}
        problems = mapping.check_fields(
            self.specs,
            local_fields=set(self.handler.fields),
            remote_fields=(None if connector.open_schema else set(self.remote_fields)),
        )
        if problems:
            raise RunStopped("The mapping is wrong: " + " ".join(problems))
        self.actor = connection.run_as
        # The OpenPRM records not linked yet, and the linked ones' ids: for a kind
        # matched over the duplicates' blocking index, filed once per run (then
        # the records added since, by id); for the others, read once per page.
        self._pool = None
        self._linked: set[int] | None = None
        self._index: BlockingIndex | None = None
        self._index_after = 0
        # The CRM records of the current page that are another kind's.
        self._elsewhere: set[str] | None = None
        # The CRM records a complete listing in this run showed and left unlinked,
        # filed for the outgoing records' matching (None: no complete listing in
        # this process, so each outgoing record is looked for with the connector's
        # ``find``).
        self._listing: BlockingIndex | None = None
        self._remote_index: BlockingIndex | None = None
        # Where the complete listing ended, for reading the CRM records added
        # since before creating one (``Connector.added_since``; None: cannot).
        self._tail: Any = None
        # The OpenPRM records waiting for a person's decision (read once per batch).
        self._awaited: set | None = None

    # --- the log -------------------------------------------------------------------

    def log(
        self,
        outcome: str,
        direction: str,
        *,
        local_id: int | None = None,
        remote_id: str = "",
        label: str = "",
        message: str = "",
        details: dict | None = None,
    ) -> SyncLogEntry:
        entry = SyncLogEntry.objects.create(
            connection=self.connection,
            run=self.run,
            object_type=self.object_type,
            direction=direction,
            outcome=outcome,
            local_id=local_id,
            remote_id=remote_id or "",
            label=label[:200],
            message=message,
            details=details or {},
        )
        self.count(outcome)
        if outcome == Outcome.ERROR:
            events.emit(
                "sync.error",
                payload={
                    "connection": str(self.connection.public_id),
                    "object": self.object_type,
                    "direction": direction,
                    "local_id": local_id,
                    "remote_id": remote_id,
                    "message": message,
                },
            )
        elif outcome == Outcome.CONFLICT:
            events.emit(
                "sync.conflict",
                payload={
                    "connection": str(self.connection.public_id),
                    "object": self.object_type,
                    "local_id": local_id,
                    "remote_id": remote_id,
                    "decisions": (details or {}).get("decisions", []),
                },
            )
        return entry

    def count(self, outcome: str, amount: int = 1) -> None:
        if self.run is not None and amount:
            name = COUNTERS[outcome]
            SyncRun.objects.filter(pk=self.run.pk).update(**{name: F(name) + amount})

    # --- links ---------------------------------------------------------------------

    def links(self):
        return SyncLink.objects.filter(
            connection=self.connection, object_type=self.object_type
        )

    def linked_local_ids(self) -> set[int]:
        """OpenPRM records linked to a CRM record (not those being created there:
        a CRM record that arrives meanwhile may be the one being created)."""
        return set(
            self.links()
            .filter(state=LinkState.LINKED)
            .values_list("local_id", flat=True)
        )

    def _kinds_sharing_remote(self) -> list[str]:
        return [
            name
            for name, handler in OBJECTS.items()
            if handler.remote_object == self.remote_object and name != self.object_type
        ]

    def linked_elsewhere(self, remote_ids) -> set[str]:
        """Those of ``remote_ids`` linked to another kind of OpenPRM record (a CRM
        account that is a partner is not also a customer account)."""
        others = self._kinds_sharing_remote()
        if not others or not remote_ids:
            return set()
        return set(
            SyncLink.objects.filter(
                connection=self.connection, object_type__in=others,
                remote_id__in=list(remote_ids),
            ).values_list("remote_id", flat=True)
        )  # fmt: skip

    def taken_remote_ids(self, remote_ids) -> set[str]:
        """Those of ``remote_ids`` linked already, to this kind or another."""
        if not remote_ids:
            return set()
        return set(
            SyncLink.objects.filter(
                connection=self.connection,
                object_type__in=[self.object_type, *self._kinds_sharing_remote()],
                remote_id__in=list(remote_ids),
            ).values_list("remote_id", flat=True)
        )

    def awaited_local_ids(self) -> set[int]:
        """OpenPRM records a CRM record waiting for a person may be: not sent as
        new while the person decides (read once per batch of a run)."""
        if self._awaited is not None:
            return self._awaited
        keys = set()
        for candidates in MatchDecision.objects.filter(
            connection=self.connection, object_type=self.object_type,
            direction=Direction.IN, status=DecisionStatus.PENDING,
        ).values_list("candidates", flat=True):  # fmt: skip
            keys.update(candidate["key"] for candidate in candidates)
        self._awaited = keys
        return keys

    def local_snapshot(self, record) -> dict:
        values = self.handler.values(record)
        return {
            name: values.get(name, "") for name in mapping.local_fields_of(self.specs)
        }

    def remote_snapshot(self, remote_values: dict) -> dict:
        return mapping.to_local(self.specs, remote_values)

    def save_link(
        self, link: SyncLink | None, *, record, remote_id: str, remote_values: dict
    ) -> SyncLink:
        local = self.local_snapshot(record)
        remote = self.remote_snapshot(remote_values)
        if link is None:
            link = SyncLink(
                connection=self.connection,
                object_type=self.object_type,
                local_id=record.pk,
            )
        link.remote_id = remote_id
        link.state = LinkState.LINKED
        link.local_values = local
        link.remote_values = remote
        link.local_hash = mapping.digest(local)
        link.remote_hash = mapping.digest(remote)
        link.synced_at = link.seen_at = timezone.now()
        link.save()
        return link

    def archive(self, link: SyncLink, *, reason: str, direction: str, label=""):
        """See :func:`archive_link`; counted in the run."""
        archive_link(
            self.connection, link, reason=reason, direction=direction, label=label,
            run=self.run,
        )  # fmt: skip

    def crm_deleted(self, link: SyncLink, *, record=None) -> None:
        """The CRM record of ``link`` is gone: its kind's rule, then archived."""
        if record is None:
            record = self.handler.load(link.local_id)
        with transaction.atomic():
            done = self.handler.crm_deleted(record=record, actor=self.actor)
            self.archive(
                link, direction=Direction.IN,
                reason=f"Deleted in the CRM. {done}",
                label=self.handler.label(record) if record is not None else "",
            )  # fmt: skip

    def sweep_deleted(self, since) -> None:
        """After a full listing of the CRM: the linked records it did not show
        (since ``since``) are looked up one by one, and those gone are handled as
        deleted there."""
        unseen = self.links().filter(state=LinkState.LINKED).exclude(
            seen_at__gte=since
        ).exclude(remote_id="")  # fmt: skip
        for link in unseen.iterator():
            if self.connector.get(self.remote_object, link.remote_id) is None:
                self.crm_deleted(link)

    def sweep_missing(self) -> None:
        """The links whose OpenPRM records are gone (deleted here)."""
        ids = list(
            self.links()
            .exclude(state=LinkState.ARCHIVED)
            .values_list("local_id", flat=True)
        )
        for start in range(0, len(ids), LOCAL_BATCH):
            batch = ids[start : start + LOCAL_BATCH]
            missing = self.handler.missing_ids(batch)
            for link in self.links().filter(local_id__in=missing):
                self.archive(
                    link, direction=Direction.OUT,
                    reason="Deleted in OpenPRM; the CRM record is kept.",
                )  # fmt: skip

    # --- CRM → OpenPRM -------------------------------------------------------------

    def pull(self, cursor: Any, *, on_page) -> None:
        """Read the CRM's changed records from ``cursor`` to the end, calling
        ``on_page(next_cursor)`` after each page is handled.

        A listing of every CRM record from the start (a connector that lists all,
        not only changes) files those it leaves unlinked in a blocking index: the
        outgoing records of the same run are matched against it instead of
        searching the CRM once each. Any record the pull could not read or handle
        drops it (the outgoing records are then looked for in the CRM)."""
        complete = (
            self.handler.blocking
            and cursor is None
            and not self.connector.lists_only_changes
        )
        self._listing = BlockingIndex() if complete else None
        self._remote_index = None
        self._tail = None
        while True:
            page = self.connector.list_changed_since(self.remote_object, cursor)
            ids = [record.id for record in page.records]
            self._pool = None
            if not self.handler.blocking:
                self._linked = None
            self._elsewhere = self.linked_elsewhere(ids)
            self.links().filter(remote_id__in=ids).update(seen_at=timezone.now())
            unchanged = 0
            for record in page.records:
                if not self.receive(record.id, record.values, record.version):
                    unchanged += 1
            self.count(Outcome.SKIPPED, unchanged)
            cursor = page.cursor
            on_page(cursor)
            if cursor is None:
                self._remote_index, self._listing = self._listing, None
                self._tail = page.tail if self._remote_index is not None else None
                self._elsewhere = None
                return

    def receive(self, remote_id: str, remote_values: dict, version: str = "") -> bool:
        """Handle one CRM record; False when it had not changed."""
        try:
            incoming = self.remote_snapshot(remote_values)
        except mapping.TransformError as error:
            self._listing = None
            self.log(
                Outcome.ERROR, Direction.IN, remote_id=remote_id,
                label=self._remote_label(remote_values), message=str(error),
            )  # fmt: skip
            return True
        link = self.links().filter(remote_id=remote_id).first()
        if link is not None and (
            link.state == LinkState.ARCHIVED
            or link.remote_hash == mapping.digest(incoming)
        ):
            return False
        try:
            with transaction.atomic():
                if link is not None:
                    self._receive_change(link, incoming, remote_values, version)
                else:
                    self._receive_new(remote_id, incoming, remote_values)
        except (ApplicationError, mapping.TransformError) as error:
            self._listing = None
            self.log(
                Outcome.ERROR, Direction.IN, remote_id=remote_id,
                local_id=link.local_id if link else None,
                label=self._remote_label(remote_values), message=_message(error),
            )  # fmt: skip
        return True

    def _remote_label(self, remote_values: dict) -> str:
        return str(remote_values.get("name") or remote_values.get("title") or "")

    def _remote_time(self, version: str) -> datetime:
        try:
            moment = datetime.fromisoformat(version)
        except (TypeError, ValueError):
            # A CRM that keeps no modification time: its change is as recent as
            # the moment the sync sees it.
            return timezone.now()
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    def _receive_change(self, link, incoming, remote_values, version) -> None:
        record = self.handler.load(link.local_id)
        gone = self.handler.gone_reason(record)
        if gone:
            self.archive(
                link, direction=Direction.OUT, reason=f"{gone} The CRM record is kept.",
                label=self._remote_label(remote_values),
            )  # fmt: skip
            return
        current = self.handler.values(record)
        local_newer = record.updated_at > self._remote_time(version)
        changes, decisions, kept = {}, [], {}
        for spec in self.specs:
            if not spec.receives or spec.create_only:
                continue
            name = spec.local
            new = incoming.get(name, "")
            if _same(new, link.remote_values.get(name)) or _same(
                new, current.get(name)
            ):
                continue
            local_changed = spec.direction == "both" and not _same(
                current.get(name), link.local_values.get(name)
            )
            if not local_changed:
                changes[name] = new
                continue
            decision = mapping.decide(
                spec, local=current.get(name), remote=new, local_newer=local_newer
            )
            decisions.append(decision)
            if decision.winner == "crm":
                changes[name] = new
            elif decision.winner == "ask":
                kept[name] = link.remote_values.get(name)
        if changes:
            record = self.handler.received(
                record=record, changes=changes, incoming=incoming, actor=self.actor
            )
        self._log_decisions(decisions, link=link, label=self.handler.label(record))
        remote = dict(incoming)
        remote.update(kept)  # a question open: the field is not agreed yet
        local = self.local_snapshot(record)
        for decision in decisions:
            if decision.winner in ("prm", "ask"):
                # Not agreed yet: OpenPRM's value is still to be sent (or decided).
                local[decision.field] = link.local_values.get(decision.field, "")
        link.local_values = local
        link.remote_values = remote
        link.local_hash = mapping.digest(local)
        link.remote_hash = mapping.digest(incoming)
        link.synced_at = timezone.now()
        link.save()
        if changes:
            self.log(
                Outcome.UPDATED, Direction.IN, local_id=record.pk,
                remote_id=link.remote_id, label=self.handler.label(record),
                details={"changes": _json_changes(changes)},
            )  # fmt: skip
        elif not decisions:
            self.count(Outcome.SKIPPED)

    def _already_asked(self, link, name: str, *, local, remote) -> bool:
        return SyncConflict.objects.filter(
            connection=self.connection, object_type=self.object_type,
            local_id=link.local_id, field=name, status=ConflictStatus.PENDING,
            openprm_value=_text(local), crm_value=_text(remote),
        ).exists()  # fmt: skip

    def _ask(self, decision, *, link, label: str) -> None:
        """The question for a person (one per field: a newer value replaces the
        one waiting)."""
        SyncConflict.objects.update_or_create(
            connection=self.connection, object_type=self.object_type,
            local_id=link.local_id, field=decision.field,
            status=ConflictStatus.PENDING,
            defaults={
                "remote_id": link.remote_id, "label": label[:200],
                "openprm_value": _text(decision.local),
                "crm_value": _text(decision.remote),
            },
        )  # fmt: skip

    def _log_decisions(self, decisions, *, link, label: str) -> None:
        # The same question still waiting is neither asked nor logged again.
        decisions = [
            decision
            for decision in decisions
            if decision.winner != "ask"
            or not self._already_asked(
                link, decision.field, local=decision.local, remote=decision.remote
            )
        ]
        if not decisions:
            return
        for decision in decisions:
            if decision.winner == "ask":
                self._ask(decision, link=link, label=label)
        self.log(
            Outcome.CONFLICT, Direction.IN, local_id=link.local_id,
            remote_id=link.remote_id, label=label,
            message="; ".join(
                f"{d.field}: {d.reasons[0]} ({WINNER_WORDS[d.winner]})"
                for d in decisions
            ),
            details={"decisions": [
                {"field": d.field, "rule": d.rule, "openprm": str(d.local),
                 "crm": str(d.remote), "winner": d.winner, "reasons": d.reasons}
                for d in decisions
            ]},
        )  # fmt: skip

    def _receive_new(self, remote_id: str, incoming: dict, remote_values: dict) -> None:
        label = self._remote_label(remote_values) or incoming.get("name", "")
        waiting = MatchDecision.objects.filter(
            connection=self.connection, object_type=self.object_type,
            direction=Direction.IN, remote_id=remote_id,
            status=DecisionStatus.PENDING,
        )  # fmt: skip
        elsewhere = (
            self._elsewhere
            if self._elsewhere is not None
            else self.linked_elsewhere([remote_id])
        )
        if remote_id in elsewhere:
            self.count(Outcome.SKIPPED)
            return
        if waiting.exists():
            self._keep_listed(remote_id, incoming, label)
            self.count(Outcome.SKIPPED)
            return
        if self._linked is None:
            self._linked = self.linked_local_ids()
        linked = self._linked
        found = self.handler.by_external_id(remote_id, exclude=linked)
        if found is not None:
            candidates = [
                Candidate(
                    found.pk,
                    self.handler.label(found),
                    100.0,
                    ["Same external id."],
                    True,
                )
            ]
        else:
            name = incoming.get("name") or label
            website = incoming.get("website", "")
            candidates = self.handler.rank(
                name=name, website=website,
                others=[
                    item for item in self._local_candidates(name, website)
                    if item.key not in linked
                ],
                values=incoming,
            )  # fmt: skip
        best = candidates[0] if candidates else None
        if best and (best.exact_id or best.score >= self.connection.auto_link_score):
            record = self.handler.load(best.key)
            # A record whose creation in the CRM was cut short: this may be it.
            creating = self.links().filter(local_id=record.pk).first()
            if creating is not None and creating.state == LinkState.LINKED:
                # Linked since this run read the links (a change the worker sent
                # meanwhile): matched again without it.
                linked.add(record.pk)
                self._receive_new(remote_id, incoming, remote_values)
                return
            self.save_link(
                creating, record=record, remote_id=remote_id,
                remote_values=remote_values,
            )  # fmt: skip
            self.handler.set_external_id(
                record=record, remote_id=remote_id, actor=self.actor
            )
            linked.add(record.pk)
            self.log(
                Outcome.LINKED, Direction.IN, local_id=record.pk, remote_id=remote_id,
                label=label, message=" ".join(str(r) for r in best.reasons),
                details={"score": best.score},
            )  # fmt: skip
            return
        if candidates:
            MatchDecision.objects.create(
                connection=self.connection, object_type=self.object_type,
                direction=Direction.IN, remote_id=remote_id, label=label[:200],
                values=incoming, candidates=[c.as_json() for c in candidates[:5]],
            )  # fmt: skip
            self._awaited = None
            self._keep_listed(remote_id, incoming, label)
            self.log(
                Outcome.QUEUED, Direction.IN, remote_id=remote_id, label=label,
                message="Looks like an OpenPRM record, but not enough to link it "
                "without a person.",
            )  # fmt: skip
            return
        if not self.connection.allows(self.object_type, "in"):
            self._keep_listed(remote_id, incoming, label)
            return
        if not self.handler.creates_from_crm or self.handler.skip_reason(incoming):
            self._keep_listed(remote_id, incoming, label)
            self.count(Outcome.SKIPPED)
            return
        record = self.create_local(remote_id, remote_values, label=label)
        linked.add(record.pk)

    def _local_candidates(self, name: str, website: str) -> list:
        """The OpenPRM records (not linked yet, as far as this run knows) that a
        CRM record called ``name`` at ``website`` is scored against: those sharing
        a blocking key with it for a kind matched over the blocking index (filed
        once, then the records added since), every one for the other kinds."""
        if not self.handler.blocking:
            if self._pool is None:
                self._pool = self.handler.local_pool(exclude=self._linked_query())
            return self._pool
        top = (
            self.handler.model.objects.order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        ) or 0
        if self._index is None or top > self._index_after:
            if self._index is None:
                self._index = BlockingIndex()
            for item in self.handler.local_pool(
                exclude=self._linked_query(), after=self._index_after
            ):
                self._index.add(item)
            self._index_after = top
        return self._index.candidates(name=name, website=website)

    def _linked_query(self):
        """The linked OpenPRM records' ids, as a subquery."""
        return self.links().filter(state=LinkState.LINKED).values("local_id")

    def _keep_listed(self, remote_id: str, incoming: dict, label: str) -> None:
        """A CRM record that stays unlinked: filed for the outgoing records'
        matching when this pull is a complete listing."""
        if self._listing is not None:
            self._listing.add(
                SimpleNamespace(
                    key=remote_id, name=incoming.get("name") or label,
                    website=incoming.get("website", ""), domain_names=(), email="",
                    account="", values=None,
                )
            )  # fmt: skip

    def create_local(self, remote_id: str, remote_values: dict, *, label: str):
        values = mapping.to_local(self.specs, remote_values, creating=True)
        if self.handler.created_with_remote_id:
            values["external_id"] = remote_id
        record = self.handler.create(values=values, actor=self.actor)
        self.handler.set_external_id(
            record=record, remote_id=remote_id, actor=self.actor
        )
        link = self.save_link(
            None, record=record, remote_id=remote_id, remote_values=remote_values
        )
        if self.handler.reports_back:
            # What OpenPRM made of it (a routed lead's status) is not in the CRM
            # yet: the next send carries it.
            for spec in self.specs:
                if spec.local and spec.direction == "out":
                    link.local_values[spec.local] = ""
            link.save(update_fields=["local_values"])
        self.log(
            Outcome.CREATED, Direction.IN, local_id=record.pk, remote_id=remote_id,
            label=label,
        )  # fmt: skip
        return record

    # --- OpenPRM → CRM -------------------------------------------------------------

    def push_all(self, after: int, *, on_batch) -> None:
        """Send every OpenPRM record (id > ``after``) that changed since it last
        agreed with the CRM, or has no CRM record yet."""
        while True:
            ids = self.handler.ids_after(after, LOCAL_BATCH)
            self._awaited = None
            for local_id in ids:
                self.send(local_id, raise_stops=True)
            if not ids:
                return
            after = ids[-1]
            on_batch(after)

    def send(self, local_id: int, *, raise_stops: bool = False) -> bool:
        """Send one OpenPRM record; True when it is in step with the CRM (or has
        nothing to send), False on an error (logged). A ConnectorError that stops
        runs is raised when ``raise_stops``."""
        record = self.handler.load(local_id)
        link = self.links().filter(local_id=local_id).first()
        gone = self.handler.gone_reason(record)
        if gone:
            if link is not None and link.state == LinkState.LINKED:
                self.archive(
                    link, direction=Direction.OUT,
                    reason=f"{gone} The CRM record is kept.",
                    label=self.handler.label(record) if record is not None else "",
                )  # fmt: skip
            return True
        label = self.handler.label(record)
        if link is not None and link.state == LinkState.ARCHIVED:
            # Deleted in the CRM: not sent again unless someone re-syncs it.
            self.count(Outcome.SKIPPED)
            return True
        try:
            if link is not None and link.state == LinkState.LINKED:
                self._send_change(record, link)
            else:
                self._send_new(record, link)
        except ConnectorError as error:
            if raise_stops and error.stops_run:
                raise
            self.log(
                Outcome.ERROR, Direction.OUT, local_id=local_id,
                remote_id=link.remote_id if link else "", label=label,
                message=error.message, details={"kind": error.kind},
            )  # fmt: skip
            return False
        except (ApplicationError, mapping.TransformError) as error:
            self.log(
                Outcome.ERROR, Direction.OUT, local_id=local_id,
                remote_id=link.remote_id if link else "", label=label,
                message=_message(error),
            )  # fmt: skip
            return False
        return True

    def _payload(self, values: dict, *, creating: bool) -> dict:
        payload = mapping.to_remote(self.specs, values, creating=creating)
        for name, value in payload.items():
            info = self.remote_fields.get(name)
            if (
                info
                and info.choices
                and value not in ("", None)
                and value not in info.choices
            ):
                raise mapping.TransformError(
                    f"The CRM does not know “{value}” for {name} "
                    f"(it knows {', '.join(info.choices)})."
                )
        return payload

    def _send_change(self, record, link: SyncLink) -> None:
        current = self.handler.values(record)
        sent = [s for s in self.specs if s.sends and s.local and not s.create_only]
        changed = {
            s.local
            for s in sent
            if not _same(current.get(s.local), link.local_values.get(s.local))
        }
        if not changed:
            self.count(Outcome.SKIPPED)
            return
        self.connector.remember(
            self.remote_object, link.remote_id,
            {s.remote: link.remote_values.get(s.local) for s in self.specs
             if s.remote and s.local and s.receives},
        )  # fmt: skip
        remote = self.connector.get(self.remote_object, link.remote_id)
        if remote is None:
            self.crm_deleted(link, record=record)
            return
        incoming = self.remote_snapshot(remote.values)
        values = dict(current)
        decisions, crm_changes = [], {}
        for spec in self.specs:
            name = spec.local
            if name not in changed or spec.direction != "both":
                continue
            remote_changed = not _same(incoming.get(name), link.remote_values.get(name))
            if not remote_changed or _same(incoming.get(name), current.get(name)):
                continue
            decision = mapping.decide(
                spec, local=current.get(name), remote=incoming.get(name),
                local_newer=record.updated_at > self._remote_time(remote.version),
            )  # fmt: skip
            decisions.append(decision)
            if decision.winner != "prm":
                values[name] = incoming.get(name)
                if decision.winner == "crm":
                    crm_changes[name] = incoming.get(name)
        # Only what changed: the CRM keeps its own values of the other fields.
        payload = {
            name: value
            for name, value in self._payload(values, creating=False).items()
            if any(s.remote == name and s.local in changed for s in sent)
        }
        updated = self.connector.upsert(self.remote_object, link.remote_id, payload)
        with transaction.atomic():
            if crm_changes:
                record = self.handler.received(
                    record=record, changes=crm_changes, incoming=incoming,
                    actor=self.actor,
                )  # fmt: skip
            self._log_decisions(decisions, link=link, label=self.handler.label(record))
            link = self.save_link(
                link, record=record, remote_id=link.remote_id,
                remote_values=updated.values,
            )  # fmt: skip
            for decision in decisions:
                if decision.winner == "ask":
                    link.local_values[decision.field] = current.get(decision.field)
                    link.remote_values[decision.field] = incoming.get(decision.field)
            if any(d.winner == "ask" for d in decisions):
                link.save(update_fields=["local_values", "remote_values"])
            self.log(
                Outcome.UPDATED, Direction.OUT, local_id=record.pk,
                remote_id=link.remote_id, label=self.handler.label(record),
                details={"changes": _json_changes({n: current[n] for n in changed})},
            )  # fmt: skip

    def remote_candidates(self, record) -> list[Candidate]:
        """The CRM records ``record`` may be: from this run's complete listing
        when there is one (no request), else the CRM's ``find``."""
        candidates = self._remote_candidates(record)
        if candidates or self._remote_index is None or self._tail is None:
            return candidates
        # About to be created from a listing that may be hours old: the records
        # the CRM got since (someone may have just added this organisation) are
        # read first — one request, from where the listing ended — and filed. (A
        # connector whose listing gives no tail is not asked: files, whose
        # "CRM" is the export being read.)
        added = self.connector.added_since(self.remote_object, self._tail)
        if added is None:
            # The connector cannot say what was added (or lost track): the CRM
            # is searched for each record from now on.
            self._remote_index = self._tail = None
            return self._remote_candidates(record)
        self._tail = added.tail
        fresh = [found for found in added.records if found.id]
        taken = self.taken_remote_ids([found.id for found in fresh])
        filed = 0
        for found in fresh:
            if found.id in taken:
                continue
            try:
                incoming = self.remote_snapshot(found.values)
            except mapping.TransformError:
                continue
            self._remote_index.add(
                SimpleNamespace(
                    key=found.id,
                    name=incoming.get("name") or self._remote_label(found.values),
                    website=incoming.get("website", ""), domain_names=(), email="",
                    account="", values=None,
                )
            )  # fmt: skip
            filed += 1
        return self._remote_candidates(record) if filed else candidates

    def _remote_candidates(self, record) -> list[Candidate]:
        values = self.handler.values(record)
        if self._remote_index is not None:
            listed = self._remote_index.candidates(
                name=values.get("name", ""), website=values.get("website", "")
            )
            taken = self.taken_remote_ids([item.key for item in listed])
            return self.handler.rank(
                name=values.get("name", ""), website=values.get("website", ""),
                others=[item for item in listed if item.key not in taken],
                values=values,
            )  # fmt: skip
        others = []
        found_records = self.connector.find(
            self.remote_object, self.handler.search_text(values)
        )
        taken = self.taken_remote_ids([found.id for found in found_records])
        for found in found_records:
            if found.id in taken:
                continue
            snapshot = self.remote_snapshot(found.values)
            others.append(
                SimpleNamespace(
                    key=found.id,
                    name=snapshot.get("name") or self._remote_label(found.values),
                    website=snapshot.get("website", ""),
                    domain_names=(),
                    email=str(snapshot.get("email") or "").strip().casefold(),
                    account=str(snapshot.get("account") or ""),
                    values=found.values,
                )
            )
        return self.handler.rank(
            name=values.get("name", ""),
            website=values.get("website", ""),
            others=others,
            values=values,
        )

    def _send_new(self, record, link: SyncLink | None) -> None:
        if not self.handler.creates_in_crm or self.handler.skip_reason(
            self.handler.values(record)
        ):
            self.count(Outcome.SKIPPED)
            return
        label = self.handler.label(record)
        waiting = MatchDecision.objects.filter(
            connection=self.connection, object_type=self.object_type,
            direction=Direction.OUT, local_id=record.pk, status=DecisionStatus.PENDING,
        )  # fmt: skip
        if waiting.exists() or record.pk in self.awaited_local_ids():
            self.count(Outcome.SKIPPED)
            return
        candidates = self.remote_candidates(record)
        best = candidates[0] if candidates else None
        creating = link is not None and link.state == LinkState.CREATING
        if best and (best.score >= self.connection.auto_link_score or creating):
            remote = self.connector.get(self.remote_object, best.key)
            with transaction.atomic():
                self.save_link(
                    link, record=record, remote_id=best.key,
                    remote_values=remote.values if remote else {},
                )  # fmt: skip
                self.handler.set_external_id(
                    record=record, remote_id=best.key, actor=self.actor
                )
                self.log(
                    Outcome.LINKED, Direction.OUT, local_id=record.pk,
                    remote_id=best.key, label=label,
                    message=" ".join(str(r) for r in best.reasons),
                    details={"score": best.score},
                )  # fmt: skip
            self._relink(record, remote.values if remote else {})
            return
        if candidates:
            with transaction.atomic():
                MatchDecision.objects.create(
                    connection=self.connection, object_type=self.object_type,
                    direction=Direction.OUT, local_id=record.pk, label=label[:200],
                    values=self.local_snapshot(record),
                    candidates=[c.as_json() for c in candidates[:5]],
                )  # fmt: skip
                self.log(
                    Outcome.QUEUED, Direction.OUT, local_id=record.pk, label=label,
                    message="Looks like a CRM record, but not enough to link it "
                    "without a person.",
                )  # fmt: skip
            return
        if not self.connection.allows(self.object_type, "out"):
            return
        self.create_remote(record, link)

    def _relink(self, record, remote_values: dict) -> None:
        """A record just linked to an existing CRM record: its ``relink_fields``
        that differ there are sent at once (a user's contact put on the partner's
        account)."""
        values = self.handler.values(record)
        stale = [
            name
            for name in self.handler.relink_fields
            if values.get(name) and not _same(remote_values.get(name), values[name])
        ]
        if not stale:
            return
        link = self.links().get(local_id=record.pk)
        for name in stale:
            link.local_values[name] = ""
        link.save(update_fields=["local_values"])
        self._send_change(record, link)

    def create_remote(self, record, link: SyncLink | None = None) -> SyncLink:
        payload = self._payload(self.handler.values(record), creating=True)
        if link is None:
            # Marked before the request: a retry after a crash looks for the record
            # (by the matcher) before creating it again.
            link = SyncLink.objects.create(
                connection=self.connection, object_type=self.object_type,
                local_id=record.pk, state=LinkState.CREATING,
            )  # fmt: skip
        created = self.connector.upsert(self.remote_object, None, payload)
        with transaction.atomic():
            link = self.save_link(
                link, record=record, remote_id=created.id, remote_values=created.values
            )
            self.handler.set_external_id(
                record=record, remote_id=created.id, actor=self.actor
            )
            self.log(
                Outcome.CREATED, Direction.OUT, local_id=record.pk,
                remote_id=created.id, label=self.handler.label(record),
            )  # fmt: skip
        return link


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _message(error: Exception) -> str:
    field_errors = getattr(error, "field_errors", None)
    if field_errors:
        return "; ".join(
            f"{name}: {' '.join(str(m) for m in messages)}"
            for name, messages in field_errors.items()
        )
    return str(getattr(error, "message", "") or error)


def _json_changes(changes: dict) -> dict:
    return {
        name: "" if value is None else str(value) for name, value in changes.items()
    }


# --- runs ---------------------------------------------------------------------------


def run_execute(run: SyncRun) -> SyncRun:
    """Carry ``run`` (already claimed: RUNNING) to its end, from its cursor."""
    connection = run.connection
    try:
        connector = connector_of(connection)
        connector.check()
        for object_type in run.object_types:
            _run_object(run, connection, connector, object_type)
    except (RunStopped, ConnectorError) as error:
        return run_finish(run, error=str(error))
    return run_finish(run)


def _run_object(run, connection, connector, object_type: str) -> None:
    sync = ObjectSync(
        connection=connection, connector=connector, object_type=object_type, run=run
    )
    run.mapping_versions[object_type] = sync.mapping.version
    state = run.cursor.setdefault(object_type, {})

    def save() -> None:
        run.heartbeat_at = timezone.now()
        SyncRun.objects.filter(pk=run.pk).update(
            cursor=run.cursor,
            heartbeat_at=run.heartbeat_at,
            mapping_versions=run.mapping_versions,
        )

    # Incoming first, also for an outgoing-only connection: its records are linked
    # to what the CRM has before anything is created there.
    if not state.get("in_done"):

        def after_page(cursor) -> None:
            state["in"] = cursor
            state["in_done"] = cursor is None
            save()

        sync.pull(state.get("in"), on_page=after_page)
        if run.is_full and not connector.lists_only_changes:
            sync.sweep_deleted(run.started_at)
    if connection.allows(object_type, "out") and not state.get("out_done"):

        def after_batch(after: int) -> None:
            state["out_after"] = after
            save()

        sync.push_all(state.get("out_after", 0), on_batch=after_batch)
        if run.is_full:
            sync.sweep_missing()
        state["out_done"] = True
        save()


def run_finish(run: SyncRun, *, error: str = "") -> SyncRun:
    now = timezone.now()
    run.refresh_from_db()
    run.status = RunStatus.FAILED if error else RunStatus.DONE
    run.error = error
    run.finished_at = now
    with transaction.atomic():
        run.save(update_fields=["status", "error", "finished_at"])
        connection = run.connection
        if error:
            connection.last_error = error
            connection.last_error_at = now
            fields = ["last_error", "last_error_at", "updated_at"]
            SyncLogEntry.objects.create(
                connection=connection, run=run,
                object_type=(run.object_types or ["partners"])[0],
                direction=Direction.IN, outcome=Outcome.ERROR,
                label=connection.name, message=error,
            )  # fmt: skip
            events.emit(
                "sync.error",
                payload={"connection": str(connection.public_id), "message": error},
            )
        else:
            connection.last_success_at = now
            connection.last_error = ""
            fields = ["last_success_at", "last_error", "updated_at"]
        connection.save(update_fields=fields)
        events.emit(
            "sync.run_finished",
            payload={
                "connection": str(connection.public_id),
                "run": str(run.public_id),
                "status": run.status,
                "created": run.created,
                "updated": run.updated,
                "linked": run.linked,
                "conflicts": run.conflicts,
                "errors": run.errors,
                "queued": run.queued,
                "error": error,
            },
        )
    return run
