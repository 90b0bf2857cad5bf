"""Writes of the partner lifecycle: status changes, hierarchy moves and downstream
visibility, merging duplicates.

Who may do what (``partners.permissions``, docs/partners.md): vendor admins
everything; channel managers change the status of the partners in their scope;
everyone else is refused (403). A partner outside the actor's scope does not exist
for them (404).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import InvalidTransition, NotFound, ValidationFailed
from openprm.core.models import AuditAction
from openprm.core.scoping import scope_for
from openprm.partners import hierarchy, permissions
from openprm.partners.choices import PartnerStatus
from openprm.partners.lifecycle import selectors, transitions
from openprm.partners.models import Partner
from openprm.partners.services import partner_payload

# --- status ----------------------------------------------------------------------


@transaction.atomic
def partner_status_change(
    *, partner: Partner, status: str, reason: str, actor
) -> Partner:
    """Move a partner along its lifecycle (see transitions.py), for a stated reason."""
    permissions.CHANGE_STATUS.ensure(actor)
    if not scope_for(actor).includes(partner):
        raise NotFound
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the status changes."),
            field_errors={"reason": [_("Say why the status changes.")]},
        )
    current = partner.status
    check = transitions.check_transition(current, status)
    if not check:
        raise InvalidTransition(current, status, message=check.reason)
    now = timezone.now()
    # Conditional on the status read: a concurrent change makes this one fail
    # instead of both passing the check.
    updated = Partner.objects.filter(pk=partner.pk, status=current).update(
        status=status, updated_at=now
    )
    if not updated:
        raise InvalidTransition(
            current,
            status,
            message=_("The partner's status changed meanwhile; reload and retry."),
        )
    partner.status, partner.updated_at = status, now
    audit.record(
        actor=actor,
        instance=partner,
        action=AuditAction.UPDATE,
        changes={"status": [current, status], "reason": [None, reason]},
        verb="partner.status_changed",
    )
    events.emit(
        "partner.status_changed",
        payload={
            **partner_payload(partner),
            "from": current,
            "to": status,
            "reason": reason,
        },
        actor=actor,
        partner_id=partner.pk,
    )
    return partner


# --- hierarchy -------------------------------------------------------------------


def _subtree_max_depth(partner: Partner) -> int:
    deepest = Partner.objects.filter(path__startswith=partner.path).aggregate(
        deepest=Max("depth")
    )["deepest"]
    return partner.depth if deepest is None else deepest


def _rewrite_paths(*, old_prefix: str, new_prefix: str, depth_change: int, rows):
    """Replace ``old_prefix`` by ``new_prefix`` in the path of ``rows`` (partners
    whose path starts with it) in one UPDATE, shifting their depth."""
    return rows.update(
        path=Concat(
            Value(new_prefix),
            Substr("path", len(old_prefix) + 1),
            output_field=CharField(),
        ),
        depth=F("depth") + depth_change,
        updated_at=timezone.now(),
    )


@transaction.atomic
def partner_move(*, partner: Partner, parent: Partner | None, actor) -> Partner:
    """Place a partner, with everything beneath it, beneath ``parent`` (``None``: at
    the top). Who sees it downstream changes with its path."""
    permissions.PLACE.ensure(actor)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    if parent is not None:
        parent = Partner.objects.get(pk=parent.pk)
    if partner.parent_id == (parent.pk if parent else None):
        return partner
    check = hierarchy.check_move(
        partner_path=partner.path,
        partner_depth=partner.depth,
        subtree_max_depth=_subtree_max_depth(partner),
        parent_path=parent.path if parent else None,
        parent_depth=parent.depth if parent else None,
        max_depth=hierarchy.max_partner_depth(),
        parent_is_terminated=bool(parent and parent.status == PartnerStatus.TERMINATED),
    )
    if not check:
        raise ValidationFailed(check.reason, field_errors={"parent": [check.reason]})
    before = audit.snapshot(partner, ["parent", "path", "depth"])
    new_path = hierarchy.moved_path(
        partner_id=partner.pk, parent_path=parent.path if parent else None
    )
    new_depth = parent.depth + 1 if parent else 0
    moved = _rewrite_paths(
        old_prefix=partner.path,
        new_prefix=new_path,
        depth_change=new_depth - partner.depth,
        rows=Partner.objects.filter(path__startswith=partner.path),
    )
    Partner.objects.filter(pk=partner.pk).update(parent=parent)
    partner.refresh_from_db()
    audit.record_change(
        actor=actor, instance=partner, before=before, verb="partner.moved"
    )
    events.emit(
        "partner.moved",
        payload={
            **partner_payload(partner),
            "from_parent": before["parent"],
            "to_parent": partner.parent_id,
            "subtree_size": moved,
        },
        actor=actor,
        partner_id=partner.pk,
    )
    return partner


@transaction.atomic
def partner_downstream_visibility_set(
    *, partner: Partner, visible: bool, actor
) -> Partner:
    """Grant (or withdraw) a distributor's sight of the partners beneath it: its
    users then read their deals, leads and other business data. Setting what is
    already set writes nothing."""
    permissions.PLACE.ensure(actor)
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    before = audit.snapshot(partner, ["downstream_visibility"])
    partner.downstream_visibility = bool(visible)
    entry = audit.record_change(
        actor=actor,
        instance=partner,
        before=before,
        verb="partner.downstream_visibility_changed",
    )
    if entry is None:
        return partner
    partner.save(update_fields=["downstream_visibility", "updated_at"])
    events.emit(
        "partner.downstream_visibility_changed",
        payload={
            **partner_payload(partner),
            "downstream_visibility": partner.downstream_visibility,
        },
        actor=actor,
        partner_id=partner.pk,
    )
    return partner


# --- merge -----------------------------------------------------------------------


@dataclass
class MergeResult:
    """What a merge moved to the survivor, and what stayed with the duplicate."""

    survivor: Partner
    duplicate: Partner
    moved: dict[str, int] = field(default_factory=dict)
    left: dict[str, int] = field(default_factory=dict)


def _move_rows(model, field_name: str, duplicate: Partner, survivor: Partner):
    """Move ``model`` rows from the duplicate to the survivor: in one UPDATE, or,
    when the survivor's constraints refuse some (a second primary contact, a
    one-to-one it already has), row by row, leaving the refused ones behind."""
    rows = model._base_manager.filter(**{field_name: duplicate})
    try:
        with transaction.atomic():
            return rows.update(**{field_name: survivor}), 0
    except IntegrityError:
        pass
    moved = left = 0
    for pk in rows.values_list("pk", flat=True):
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=pk).update(**{field_name: survivor})
            moved += 1
        except IntegrityError:
            left += 1
    return moved, left


# How an app moves its own rows from a merged duplicate to the survivor when a plain
# re-pointing would be wrong: {model: mover(duplicate=, survivor=) -> (moved,
# left)}. The tenancy app registers its memberships at start-up (partners does not
# import it): a person already a member of the survivor keeps that membership.
MergeMover = Callable[..., tuple[int, int]]
_merge_movers: dict[type, MergeMover] = {}


def set_merge_mover(model: type, mover: MergeMover) -> None:
    _merge_movers[model] = mover


@transaction.atomic
def partner_merge(*, survivor: Partner, duplicate: Partner, actor) -> MergeResult:
    """Fold ``duplicate`` into ``survivor``: its members, the partners beneath it,
    invitations and every other row that points at it move to the survivor; the
    duplicate stays, terminated, so that its audit history and links still resolve.
    """
    permissions.MERGE.ensure(actor)
    if survivor.pk == duplicate.pk:
        raise ValidationFailed(
            _("A partner cannot be merged into itself."),
            field_errors={"duplicate": [_("Choose another partner.")]},
        )
    survivor = Partner.objects.select_for_update().get(pk=survivor.pk)
    duplicate = Partner.objects.select_for_update().get(pk=duplicate.pk)
    if survivor.status == PartnerStatus.TERMINATED:
        message = _(
            "The partner to keep is terminated: re-recruit it first, or keep the "
            "other one."
        )
        raise ValidationFailed(message, field_errors={"duplicate": [message]})
    check = hierarchy.check_merge(
        survivor_path=survivor.path,
        survivor_depth=survivor.depth,
        duplicate_path=duplicate.path,
        duplicate_depth=duplicate.depth,
        duplicate_subtree_max_depth=_subtree_max_depth(duplicate),
        max_depth=hierarchy.max_partner_depth(),
    )
    if not check:
        raise ValidationFailed(check.reason, field_errors={"duplicate": [check.reason]})
    result = MergeResult(survivor=survivor, duplicate=duplicate)

    # The partners beneath: re-parented, and their paths rewritten in bulk.
    children = Partner.objects.filter(parent=duplicate).update(parent=survivor)
    if children:
        _rewrite_paths(
            old_prefix=duplicate.path,
            new_prefix=survivor.path,
            depth_change=survivor.depth - duplicate.depth,
            rows=Partner.objects.filter(path__startswith=duplicate.path).exclude(
                pk=duplicate.pk
            ),
        )
        result.moved["partners.partner (children)"] = children

    # Rows whose app moves them by its own rule (members: see set_merge_mover).
    for model, mover in _merge_movers.items():
        moved, left = mover(duplicate=duplicate, survivor=survivor)
        _count(result, model._meta.label_lower, moved, left)

    for relation in selectors.partner_relations():
        model = relation.related_model
        if model in _merge_movers or (
            model is Partner and relation.field.name == "parent"
        ):
            continue
        label = model._meta.label_lower
        if relation.many_to_many:
            accessor = relation.get_accessor_name()
            others = list(getattr(duplicate, accessor).all())
            getattr(survivor, accessor).add(*others)
            getattr(duplicate, accessor).clear()
            _count(result, label, len(others), 0)
        else:
            moved, left = _move_rows(model, relation.field.name, duplicate, survivor)
            _count(result, label, moved, left)

    previous_status = duplicate.status
    duplicate.status = PartnerStatus.TERMINATED
    duplicate.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        instance=duplicate,
        action=AuditAction.UPDATE,
        changes={
            "status": [previous_status, PartnerStatus.TERMINATED],
            "merged_into": [None, survivor.pk],
            "moved": [None, result.moved],
            "left": [None, result.left],
        },
        verb="partner.merged",
    )
    audit.record(
        actor=actor,
        instance=survivor,
        action=AuditAction.UPDATE,
        changes={"merged_from": [None, duplicate.pk], "moved": [None, result.moved]},
        verb="partner.merged",
    )
    events.emit(
        "partner.merged",
        payload={
            **partner_payload(survivor),
            "duplicate": {
                "id": duplicate.pk,
                "public_id": str(duplicate.public_id),
                "name": duplicate.name,
            },
            "moved": result.moved,
            "left": result.left,
        },
        actor=actor,
        partner_id=survivor.pk,
    )
    return result


def _count(result: MergeResult, label: str, moved: int, left: int) -> None:
    if moved:
        result.moved[label] = result.moved.get(label, 0) + moved
    if left:
        result.left[label] = result.left.get(label, 0) + left
