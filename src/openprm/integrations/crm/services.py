"""Every write of the CRM sync that a person or a command starts: connections (with
their encrypted credentials), mappings, runs, matching decisions, retries.

Vendor admins only. Credentials never reach the audit trail, the events or the
logs: the audit records that they changed, not what they are.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import ApplicationError, Conflict, NotFound, ValidationFailed
from openprm.core.models import AuditAction
from openprm.integrations.crm import credentials, mapping
from openprm.integrations.crm.connectors import CONNECTORS
from openprm.integrations.crm.connectors.base import ConnectorError
from openprm.integrations.crm.models import (
    ChangeStatus,
    ConflictStatus,
    CrmConnection,
    DecisionStatus,
    Direction,
    LinkState,
    MatchDecision,
    Outcome,
    OutgoingChange,
    RunStatus,
    RunTrigger,
    SyncConflict,
    SyncLink,
    SyncLogEntry,
    SyncMapping,
    SyncObject,
    SyncRun,
)
from openprm.integrations.crm.objects import OBJECTS
from openprm.integrations.permissions import MANAGE_CRM_SYNC


class CrmUnavailable(ApplicationError):
    """The CRM cannot be reached, refuses the credentials, or the mapping is wrong:
    the message is the CRM's (or the mapping's) own."""

    code = "crm_unavailable"
    status = 502


def _sync_for(connection: CrmConnection, object_type: str):
    from openprm.integrations.crm import engine

    try:
        return engine.ObjectSync(
            connection=connection,
            connector=engine.connector_of(connection),
            object_type=object_type,
        )
    except Exception as error:
        if isinstance(error, engine.RunStopped | ConnectorError):
            raise CrmUnavailable(str(error)) from error
        raise


AUDITED_FIELDS = [
    "name",
    "connector_type",
    "config",
    "directions",
    "schedule_minutes",
    "auto_link_score",
    "requests_per_second",
    "is_active",
]


def connection_payload(connection: CrmConnection) -> dict:
    """The connection as events and the API show it: never its credentials."""
    return {
        "id": str(connection.public_id),
        "name": connection.name,
        "connector_type": connection.connector_type,
        "directions": connection.directions,
        "is_active": connection.is_active,
    }


def _clean(data: dict, *, creating: bool) -> dict:
    errors: dict[str, list] = {}
    cleaned = {}
    if "name" in data or creating:
        name = str(data.get("name") or "").strip()
        if not name:
            errors["name"] = [_("Enter a name for the connection.")]
        cleaned["name"] = name
    if "connector_type" in data or creating:
        if data.get("connector_type") not in CONNECTORS:
            errors["connector_type"] = [_("Choose one of the connectors.")]
        cleaned["connector_type"] = data.get("connector_type")
    if "config" in data:
        config = data["config"] or {}
        if not isinstance(config, dict):
            errors["config"] = [_("Settings are a table of values.")]
        elif "url" in config and not str(config["url"]).startswith(
            ("http://", "https://")
        ):
            errors["config"] = [_("The CRM's address starts with http:// or https://.")]
        cleaned["config"] = config
    if "directions" in data:
        directions = {}
        for object_type, switches in (data["directions"] or {}).items():
            if object_type not in SyncObject.values or not isinstance(switches, dict):
                errors["directions"] = [_("Unknown kind of record: %s.") % object_type]
                continue
            directions[object_type] = {
                "in": bool(switches.get("in")),
                "out": bool(switches.get("out")),
            }
        cleaned["directions"] = directions
    for name, low, high in (
        ("schedule_minutes", 0, 24 * 60),
        ("auto_link_score", 50, 100),
    ):
        if name in data:
            try:
                value = int(data[name])
            except (TypeError, ValueError):
                value = None
            if value is None or not low <= value <= high:
                errors[name] = [_("Enter a number from %(low)s to %(high)s.") % {
                    "low": low, "high": high}]  # fmt: skip
            cleaned[name] = value
    if "requests_per_second" in data:
        try:
            rate = float(data["requests_per_second"])
        except (TypeError, ValueError):
            rate = -1
        if not 0 < rate <= 1000:
            errors["requests_per_second"] = [_("Enter a rate above 0, up to 1000.")]
        cleaned["requests_per_second"] = rate
    if "is_active" in data:
        cleaned["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationFailed(field_errors=errors)
    return cleaned


@transaction.atomic
def crm_connection_create(
    *, actor, data: dict, secret: dict | None = None
) -> CrmConnection:
    """A new connection with the default mapping of each kind of record; ``secret``
    (e.g. ``{"email": …, "password": …}``) is stored encrypted."""
    MANAGE_CRM_SYNC.ensure(actor)
    cleaned = _clean(data, creating=True)
    cleaned.setdefault("directions", {"partners": {"in": True, "out": True}})
    if CrmConnection.objects.filter(name__iexact=cleaned["name"]).exists():
        raise ValidationFailed(
            field_errors={"name": [_("Another connection has this name.")]}
        )
    connection = CrmConnection.objects.create(
        **cleaned,
        credentials_encrypted=credentials.encrypt(secret or {}),
        run_as=actor,
        next_run_at=timezone.now(),
    )
    for object_type, handler in OBJECTS.items():
        SyncMapping.objects.create(
            connection=connection,
            object_type=object_type,
            version=1,
            fields=handler.default_mapping,
            created_by=actor,
        )
    audit.record_create(
        actor=actor, instance=connection, fields=AUDITED_FIELDS,
        verb="crm.connection_created",
    )  # fmt: skip
    events.emit(
        "sync.connection_created", payload=connection_payload(connection), actor=actor
    )
    return connection


@transaction.atomic
def crm_connection_update(
    *, actor, connection: CrmConnection, data: dict, secret: dict | None = None
) -> CrmConnection:
    """Change the given settings; new ``secret`` replaces the stored credentials
    (audited as changed, never as values)."""
    MANAGE_CRM_SYNC.ensure(actor)
    cleaned = _clean(data, creating=False)
    before = audit.snapshot(connection, AUDITED_FIELDS)
    for name, value in cleaned.items():
        setattr(connection, name, value)
    changed_secret = secret is not None
    if changed_secret:
        connection.credentials_encrypted = credentials.encrypt(secret)
    entry = audit.record_change(
        actor=actor, instance=connection, before=before, verb="crm.connection_updated"
    )
    if entry is None and not changed_secret:
        return connection
    if changed_secret:
        audit.record(
            actor=actor, instance=connection, action=AuditAction.UPDATE,
            changes={"credentials": ["(hidden)", "(changed)"]},
            verb="crm.connection_credentials_changed",
        )  # fmt: skip
    try:
        connection.save()
    except IntegrityError:
        raise ValidationFailed(
            field_errors={"name": [_("Another connection has this name.")]}
        ) from None
    events.emit(
        "sync.connection_updated", payload=connection_payload(connection), actor=actor
    )
    return connection


@transaction.atomic
def crm_mapping_save(
    *, actor, connection: CrmConnection, object_type: str, fields
) -> SyncMapping:
    """A new version of a mapping (checked, fields of the CRM included when the
    connector can say them)."""
    MANAGE_CRM_SYNC.ensure(actor)
    if object_type not in OBJECTS:
        raise ValidationFailed(field_errors={"object_type": [_("Unknown kind.")]})
    try:
        specs = mapping.parse(fields)
    except mapping.MappingError as error:
        raise ValidationFailed(field_errors={"fields": error.problems}) from None
    problems = mapping.check_fields(
        specs, local_fields=set(OBJECTS[object_type].fields), remote_fields=None
    )
    if problems:
        raise ValidationFailed(field_errors={"fields": problems})
    latest = (
        SyncMapping.objects.filter(connection=connection, object_type=object_type)
        .order_by("-version")
        .first()
    )
    if latest is not None and latest.fields == fields:
        return latest
    saved = SyncMapping.objects.create(
        connection=connection,
        object_type=object_type,
        version=(latest.version + 1) if latest else 1,
        fields=fields,
        created_by=actor,
    )
    audit.record(
        actor=actor, instance=connection, action=AuditAction.UPDATE,
        changes={f"mapping.{object_type}": [latest.version if latest else None,
                                            saved.version]},
        verb="crm.mapping_saved",
    )  # fmt: skip
    return saved


def crm_run_start(
    *,
    actor,
    connection: CrmConnection,
    object_types: list[str] | None = None,
    full: bool = False,
    trigger: str = RunTrigger.MANUAL,
    enqueue: bool = True,
) -> SyncRun:
    """Queue a run (the worker carries it out); one run of a connection at a time."""
    if actor is not None:
        MANAGE_CRM_SYNC.ensure(actor)
    wanted = object_types or connection.object_types
    unknown = sorted(set(wanted) - set(connection.object_types))
    if unknown:
        raise ValidationFailed(
            field_errors={
                "object": [_("Not synced by this connection: %s.") % ", ".join(unknown)]
            }
        )
    with transaction.atomic():
        busy = SyncRun.objects.filter(
            connection=connection, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
        ).first()
        if busy is not None:
            raise Conflict(_("A run of this connection is already under way."))
        run = SyncRun.objects.create(
            connection=connection,
            object_types=wanted,
            is_full=full,
            trigger=trigger,
            started_by=actor,
        )
        if enqueue:
            from openprm.integrations.crm import tasks

            tasks.enqueue_run(run.pk)
    return run


def crm_run_claim(*, run_id: int, stale_after: timedelta) -> SyncRun | None:
    """Take ``run_id`` to carry it out: a queued run, or a running one whose worker
    fell silent (it resumes from its cursor). None when another worker has it."""
    now = timezone.now()
    run = SyncRun.objects.filter(pk=run_id).select_related("connection").first()
    if run is None or run.status in (RunStatus.DONE, RunStatus.FAILED):
        return None
    claimable = SyncRun.objects.filter(pk=run_id, status=run.status)
    if run.status == RunStatus.RUNNING:
        if run.heartbeat_at and run.heartbeat_at > now - stale_after:
            return None
        claimable = claimable.filter(heartbeat_at=run.heartbeat_at)
    if not claimable.update(
        status=RunStatus.RUNNING, heartbeat_at=now, started_at=run.started_at or now
    ):
        return None
    run.refresh_from_db()
    return run


@transaction.atomic
def crm_decision_resolve(
    *, actor, decision: MatchDecision, choice: str, key=None
) -> MatchDecision:
    """A person places a record the matcher could not: ``link`` it to the candidate
    ``key``, ``create`` it as new on the other side, or ``ignore`` it."""
    MANAGE_CRM_SYNC.ensure(actor)
    if decision.status != DecisionStatus.PENDING:
        raise Conflict(_("This record was already decided."))
    if choice not in ("link", "create", "ignore"):
        raise ValidationFailed(
            field_errors={"choice": [_("Choose link, create or ignore.")]}
        )
    try:
        _decide(actor=actor, decision=decision, choice=choice, key=key)
    except ConnectorError as error:
        raise CrmUnavailable(error.message) from error
    decision.decided_by = actor
    decision.decided_at = timezone.now()
    decision.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        actor=actor, instance=decision.connection, action=AuditAction.UPDATE,
        changes={"decision": [decision.label, decision.status]},
        verb="crm.match_decided",
    )  # fmt: skip
    return decision


def _decide(*, actor, decision: MatchDecision, choice: str, key) -> None:
    if choice == "ignore":
        decision.status = DecisionStatus.IGNORED
        return
    sync = _sync_for(decision.connection, decision.object_type)
    keys = {str(candidate["key"]) for candidate in decision.candidates}
    if choice == "link":
        if str(key) not in keys:
            raise ValidationFailed(
                field_errors={"key": [_("Choose one of the candidates.")]}
            )
        if decision.direction == Direction.IN:
            record = sync.handler.load(int(key))
            remote = sync.connector.get(sync.remote_object, decision.remote_id)
            remote_id = decision.remote_id
        else:
            record = sync.handler.load(decision.local_id)
            remote = sync.connector.get(sync.remote_object, str(key))
            remote_id = str(key)
        if record is None or remote is None:
            raise NotFound(_("The record is gone."))
        if (
            sync.links().filter(local_id=record.pk).exists()
            or sync.links().filter(remote_id=remote_id).exists()
        ):
            raise Conflict(_("One of the two records is linked already."))
        sync.save_link(
            None, record=record, remote_id=remote_id, remote_values=remote.values
        )
        sync.handler.set_external_id(record=record, remote_id=remote_id, actor=actor)
        decision.status = DecisionStatus.LINKED
    elif choice == "create":
        if decision.direction == Direction.IN:
            remote = sync.connector.get(sync.remote_object, decision.remote_id)
            if remote is None:
                raise NotFound(_("The CRM record is gone."))
            sync.create_local(decision.remote_id, remote.values, label=decision.label)
        else:
            record = sync.handler.load(decision.local_id)
            if record is None:
                raise NotFound(_("The record is gone."))
            sync.create_remote(record)
        decision.status = DecisionStatus.CREATED


@transaction.atomic
def crm_conflict_resolve(*, actor, conflict: SyncConflict, choice: str) -> SyncConflict:
    """A person answers an "ask a person" conflict: ``crm`` takes the CRM's value
    onto the OpenPRM record (through its app's service), ``prm`` sends OpenPRM's
    value to the CRM. Either way both sides then agree on the field, and the
    decision is logged (with who made it) and audited."""
    MANAGE_CRM_SYNC.ensure(actor)
    if conflict.status != ConflictStatus.PENDING:
        raise Conflict(_("This conflict was already decided."))
    if choice not in (ConflictStatus.CRM, ConflictStatus.PRM):
        raise ValidationFailed(
            field_errors={"choice": [_("Choose crm (the CRM's value) or prm.")]}
        )
    connection = conflict.connection
    handler = OBJECTS[conflict.object_type].for_connection(connection)
    link = SyncLink.objects.filter(
        connection=connection, object_type=conflict.object_type,
        local_id=conflict.local_id,
    ).first()  # fmt: skip
    record = handler.load(conflict.local_id)
    if link is None or record is None:
        raise NotFound(_("The record is gone."))
    name = conflict.field
    if choice == ConflictStatus.CRM:
        value = conflict.crm_value
        handler.received(
            record=record, changes={name: value}, incoming={name: value}, actor=actor
        )
    else:
        value = conflict.openprm_value
        sync = _sync_for(connection, conflict.object_type)
        payload = {
            spec.remote: mapping.apply(spec.out, value, handler.values(record))
            for spec in sync.specs
            if spec.local == name and spec.sends and not spec.create_only
        }
        try:
            sync.connector.upsert(sync.remote_object, link.remote_id, payload)
        except ConnectorError as error:
            raise CrmUnavailable(error.message) from error
    link.local_values[name] = value
    link.remote_values[name] = value
    link.local_hash = mapping.digest(link.local_values)
    link.save(update_fields=["local_values", "remote_values", "local_hash"])
    conflict.status = choice
    conflict.decided_by = actor
    conflict.decided_at = timezone.now()
    conflict.save(update_fields=["status", "decided_by", "decided_at"])
    SyncLogEntry.objects.create(
        connection=connection, object_type=conflict.object_type,
        direction=Direction.IN if choice == ConflictStatus.CRM else Direction.OUT,
        outcome=Outcome.UPDATED, local_id=conflict.local_id,
        remote_id=conflict.remote_id, label=conflict.label,
        message=_("%(field)s: %(who)s chose “%(value)s” (%(side)s).") % {
            "field": name, "who": str(actor), "value": value,
            "side": conflict.get_status_display()},
        details={"field": name, "chosen": choice, "openprm": conflict.openprm_value,
                 "crm": conflict.crm_value, "decided_by": actor.pk},
    )  # fmt: skip
    audit.record(
        actor=actor, instance=connection, action=AuditAction.UPDATE,
        changes={f"conflict.{conflict.label}.{name}": [None, choice]},
        verb="crm.conflict_decided",
    )  # fmt: skip
    return conflict


def crm_outgoing_queue(*, connection_ids: list[int], object_type: str, local_id: int):
    """Note that a record changed, for each connection sending it (idempotent)."""
    OutgoingChange.objects.bulk_create(
        [
            OutgoingChange(
                connection_id=connection_id, object_type=object_type, local_id=local_id
            )
            for connection_id in connection_ids
        ],
        ignore_conflicts=True,  # already waiting: one send carries both changes
    )


@transaction.atomic
def crm_outgoing_retry(*, actor, change: OutgoingChange) -> OutgoingChange:
    """Send a given-up change again (from the dead-letter list)."""
    MANAGE_CRM_SYNC.ensure(actor)
    if change.status != ChangeStatus.DEAD:
        raise Conflict(_("Only a change that was given up is retried."))
    if OutgoingChange.objects.filter(
        connection=change.connection, object_type=change.object_type,
        local_id=change.local_id, status=ChangeStatus.PENDING,
    ).exists():  # fmt: skip
        change.status = ChangeStatus.DONE
        change.save(update_fields=["status", "updated_at"])
        return change
    change.status = ChangeStatus.PENDING
    change.attempts = 0
    change.next_attempt_at = timezone.now()
    change.locked_until = None
    change.save(
        update_fields=[
            "status",
            "attempts",
            "next_attempt_at",
            "locked_until",
            "updated_at",
        ]
    )
    from openprm.integrations.crm import tasks

    tasks.enqueue_send_due()
    return change


def crm_record_resync(
    *, actor, connection: CrmConnection, object_type: str, local_id: int
):
    """ "Re-sync this record": forget what both sides last agreed, so that the next
    send compares afresh, and send it now. A link archived because the CRM record
    was deleted is forgotten: the record is matched again, or created anew."""
    MANAGE_CRM_SYNC.ensure(actor)
    sync = _sync_for(connection, object_type)
    SyncLink.objects.filter(
        connection=connection, object_type=object_type, local_id=local_id,
        state=LinkState.ARCHIVED,
    ).delete()  # fmt: skip
    SyncLink.objects.filter(
        connection=connection, object_type=object_type, local_id=local_id
    ).update(local_values={}, local_hash="", remote_hash="")
    return sync.send(local_id)
