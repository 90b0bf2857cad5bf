"""Every write of segments and static lists.

Vendor admins and channel marketing define segments; a static list holds only
partners in the actor's scope. Each action is audited and announces itself.
"""

import json

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import Conflict, NotFound, ValidationFailed
from openprm.partners.models import Partner
from openprm.segments import permissions
from openprm.segments.models import Segment, SegmentKind, StaticListMember
from openprm.segments.selectors import rule_errors

SEGMENT_FIELDS = ["name", "description", "kind", "rule", "is_active"]


def segment_payload(segment: Segment) -> dict:
    return {
        "id": str(segment.public_id),
        "name": segment.name,
        "kind": segment.kind,
        "rule": segment.rule,
        "is_active": segment.is_active,
    }


def _clean(*, name: str, kind: str, rule) -> dict:
    field_errors: dict[str, list[str]] = {}
    name = name.strip()
    if not name:
        field_errors["name"] = [str(_("Enter a name."))]
    if kind not in SegmentKind.values:
        field_errors["kind"] = [str(_("Choose dynamic or static."))]
    elif kind == SegmentKind.DYNAMIC:
        field_errors.update(rule_errors(rule))
    elif rule:
        field_errors["rule"] = [str(_("A static list has no rule."))]
    if field_errors:
        raise ValidationFailed(field_errors=field_errors)
    return {"name": name, "kind": kind, "rule": rule or {}}


def _name_taken() -> ValidationFailed:
    return ValidationFailed(
        field_errors={"name": [str(_("Another segment has this name."))]}
    )


@transaction.atomic
def segment_create(
    *,
    actor,
    name: str,
    kind: str,
    rule: dict | None = None,
    description: str = "",
    is_active: bool = True,
) -> Segment:
    permissions.EDIT.ensure(actor)
    cleaned = _clean(name=name, kind=kind, rule=rule)
    try:
        with transaction.atomic():
            segment = Segment.objects.create(
                **cleaned,
                description=description.strip(),
                is_active=is_active,
                created_by=actor,
            )
    except IntegrityError:
        raise _name_taken() from None
    audit.record_create(
        actor=actor, instance=segment, fields=SEGMENT_FIELDS, verb="segment.created"
    )
    events.emit("segment.created", payload=segment_payload(segment), actor=actor)
    return segment


@transaction.atomic
def segment_update(
    *,
    actor,
    segment: Segment,
    name: str | None = None,
    rule: dict | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> Segment:
    """Change what is given (``None`` keeps a value); the kind never changes."""
    permissions.EDIT.ensure(actor)
    cleaned = _clean(
        name=segment.name if name is None else name,
        kind=segment.kind,
        rule=segment.rule if rule is None else rule,
    )
    before = audit.snapshot(segment, SEGMENT_FIELDS)
    segment.name, segment.rule = cleaned["name"], cleaned["rule"]
    if description is not None:
        segment.description = description.strip()
    if is_active is not None:
        segment.is_active = is_active
    entry = audit.record_change(
        actor=actor, instance=segment, before=before, verb="segment.updated"
    )
    if entry is None:
        return segment
    try:
        with transaction.atomic():
            segment.save(update_fields=[*SEGMENT_FIELDS, "updated_at"])
    except IntegrityError:
        raise _name_taken() from None
    events.emit(
        "segment.updated",
        payload={**segment_payload(segment), "changes": entry.changes},
        actor=actor,
    )
    return segment


@transaction.atomic
def segment_delete(*, actor, segment: Segment) -> None:
    """Delete a segment (and a static list's members with it)."""
    permissions.EDIT.ensure(actor)
    payload = segment_payload(segment)
    audit.record_delete(
        actor=actor, instance=segment, fields=SEGMENT_FIELDS, verb="segment.deleted"
    )
    try:
        with transaction.atomic():
            segment.delete()
    except ProtectedError:
        raise Conflict(
            _("Campaigns or content use this segment; remove it from them first.")
        ) from None
    events.emit("segment.deleted", payload=payload, actor=actor)


def _static(segment: Segment) -> None:
    if not segment.is_static:
        raise Conflict(_("Only a static list has hand-picked members."))


@transaction.atomic
def static_list_add(*, actor, segment: Segment, partner: Partner) -> StaticListMember:
    """Add a partner the caller already resolved within the actor's scope
    (``selectors.partner_for_list``); adding one twice is a 409."""
    permissions.EDIT.ensure(actor)
    _static(segment)
    try:
        with transaction.atomic():
            member = StaticListMember.objects.create(
                segment=segment, partner=partner, added_by=actor
            )
    except IntegrityError:
        raise Conflict(_("The partner is already on this list.")) from None
    audit.record_create(
        actor=actor,
        instance=member,
        fields=["segment", "partner"],
        verb="segment.member_added",
    )
    events.emit(
        "segment.member_added",
        payload={"segment": str(segment.public_id), "partner": partner.pk},
        actor=actor,
        partner_id=partner.pk,
    )
    return member


@transaction.atomic
def static_list_remove(*, actor, segment: Segment, partner: Partner) -> None:
    permissions.EDIT.ensure(actor)
    _static(segment)
    member = StaticListMember.objects.filter(segment=segment, partner=partner).first()
    if member is None:
        raise NotFound(_("The partner is not on this list."))
    audit.record_delete(
        actor=actor,
        instance=member,
        fields=["segment", "partner"],
        verb="segment.member_removed",
    )
    member.delete()
    events.emit(
        "segment.member_removed",
        payload={"segment": str(segment.public_id), "partner": partner.pk},
        actor=actor,
        partner_id=partner.pk,
    )


def rule_text(rule: dict) -> str:
    """A rule as the editor shows it: indented JSON, or nothing."""
    return json.dumps(rule, indent=2) if rule else ""
