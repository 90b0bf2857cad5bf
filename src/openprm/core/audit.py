"""The audit trail: services record every change to business data (DESIGN rule 3).

before = audit.snapshot(partner, ["status"])
partner.status = "active"; partner.save(update_fields=["status", "updated_at"])
audit.record_change(actor=actor, instance=partner, before=before,
                    verb="partner.status_changed")
"""

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.db import models
from django.db.models.fields.files import FieldFile

from openprm.core import bulk_sql, context, jsontext
from openprm.core.models import AuditAction, AuditEntry


def json_value(value):
    """A value as it is stored in ``changes``: JSON types only."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, FieldFile):  # an uploaded file: its stored name, or nothing
        return value.name or None
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The current values of ``fields`` (foreign keys by id)."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        values[name] = json_value(getattr(instance, getattr(field, "attname", name)))
    return values


def owning_partner_id(instance: models.Model) -> int | None:
    """The partner an object belongs to, for scoping its audit entries."""
    return getattr(instance, "owning_partner_id", None)


def record(
    *,
    actor,
    instance: models.Model,
    action: str,
    changes: dict | None = None,
    verb: str,
) -> AuditEntry:
    """Write one audit entry for ``instance`` with the current request's context.
    ``verb`` names the business action (``partner.created``): never empty."""
    if not verb:
        raise ValueError("An audit entry names its business action (verb)")
    request = context.current()
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=getattr(actor, "email", "") if actor is not None else "",
        token_id=request.token_id,
        token_label=request.token_label,
        action=action,
        verb=verb,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        partner_id=owning_partner_id(instance),
        changes=changes or {},
        request_id=request.request_id,
        client_ip=request.client_ip,
    )


def record_create(*, actor, instance: models.Model, fields: Iterable[str], verb: str):
    """Audit a new object: every listed field from nothing to its value."""
    values = snapshot(instance, fields)
    changes = {name: [None, value] for name, value in values.items()}
    return record(
        actor=actor,
        instance=instance,
        action=AuditAction.CREATE,
        changes=changes,
        verb=verb,
    )


def record_change(
    *, actor, instance: models.Model, before: dict, verb: str
) -> AuditEntry | None:
    """Audit the fields of ``before`` that changed; nothing is written if none did."""
    after = snapshot(instance, before.keys())
    changes = {
        name: [before[name], after[name]]
        for name in before
        if before[name] != after[name]
    }
    if not changes:
        return None
    return record(
        actor=actor,
        instance=instance,
        action=AuditAction.UPDATE,
        changes=changes,
        verb=verb,
    )


def record_delete(*, actor, instance: models.Model, fields: Iterable[str], verb: str):
    """Audit a deletion (call before deleting): every listed field to nothing."""
    values = snapshot(instance, fields)
    changes = {name: [value, None] for name, value in values.items()}
    return record(
        actor=actor,
        instance=instance,
        action=AuditAction.DELETE,
        changes=changes,
        verb=verb,
    )


class AuditBatch:
    """Many audit entries written at once, for the bulk writers (the partner import,
    the lead batch): the same columns and values ``record`` writes, in the row layout
    of ``AuditEntry.BULK_FIELDS``, inserted with one statement per batch (``COPY`` on
    PostgreSQL). Add entries inside the write transaction, then ``write()``.

    ``changes`` is a dict of JSON values (``json_value``'s), or its JSON text when
    the caller already has it (the import writes a new partner's changes from its
    row's JSON columns)."""

    def __init__(self, *, actor, now: datetime.datetime):
        request = context.current()
        self._common_head = (
            bulk_sql.datetime_value(now),
            actor.pk if actor is not None and actor.pk else None,
            getattr(actor, "email", "") if actor is not None else "",
            request.token_id,
            request.token_label,
        )
        self._common_tail = (request.request_id, request.client_ip)
        self.rows: list[tuple] = []

    def add(
        self,
        *,
        action: str,
        verb: str,
        object_type: str,
        object_id,
        label: str,
        partner_id: int | None,
        changes: dict | str,
    ) -> None:
        if not verb:
            raise ValueError("An audit entry names its business action (verb)")
        if not isinstance(changes, str):
            changes = jsontext.dumps(changes)
        self.rows.append(
            (
                *self._common_head,
                action,
                verb,
                object_type,
                str(object_id),
                str(label)[:200],
                partner_id,
                changes,
                *self._common_tail,
            )
        )

    def write(self) -> None:
        bulk_sql.copy_rows(AuditEntry, AuditEntry.BULK_FIELDS, self.rows)
        self.rows = []
