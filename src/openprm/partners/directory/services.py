"""Saved views of the partner directory: a vendor user names the current filters
and sort, keeps them private or shares them with all vendor staff, renames and
deletes their own. Only the owner changes a view; shared views are read by all
vendor staff (partners.directory.selectors)."""

from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qs

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from openprm.core import audit, events
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.partners import permissions, selectors
from openprm.partners.directory import filters as directory
from openprm.partners.directory.selectors import directory_custom_keys
from openprm.partners.models import SavedView

VIEW_FIELDS = ["name", "is_shared", "query"]
NAME_MAX_LENGTH = 100


def view_payload(view: SavedView) -> dict:
    return {
        "id": str(view.public_id),
        "name": view.name,
        "is_shared": view.is_shared,
        "owner": str(view.owner.public_id),
        "query": view.query,
    }


def _require_owner(actor, view: SavedView) -> None:
    permissions.SAVE_VIEWS.ensure(actor)
    if view.owner_id != actor.pk:
        raise PermissionDenied(_("Only the person who saved a view can change it."))


def _clean_name(name) -> str:
    name = str(name or "").strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [_("Give the view a name.")]})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(
            field_errors={
                "name": [_("At most %(max)s characters.") % {"max": NAME_MAX_LENGTH}]
            }
        )
    return name


def normalised_query(*, actor, query: str | Mapping) -> dict[str, list[str]]:
    """A query string (or ``{key: [values]}``) as the directory reads it for
    ``actor``: invalid values and custom fields the actor cannot read drop out."""
    if isinstance(query, str):
        query = parse_qs(query.lstrip("?"))
    params = {
        str(key): [str(v) for v in (value if isinstance(value, list) else [value])]
        for key, value in dict(query).items()
        if key not in ("page", "view")
    }
    filters = directory.parse(params, custom_keys=directory_custom_keys(user=actor))
    if filters.parent.isdigit():
        # A view names its parent partner by public id, as it is checked against
        # when applied; a partner out of the actor's sight drops out.
        public_id = selectors.partner_public_id(
            user=actor, partner_id=int(filters.parent)
        )
        filters = replace(filters, parent=str(public_id) if public_id else "")
    normalised: dict[str, list[str]] = {}
    for key, values in parse_qs(filters.querystring()).items():
        normalised[key] = values
    return normalised


def _save(view: SavedView) -> None:
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError:
        raise ValidationFailed(
            field_errors={"name": [_("You already have a view with this name.")]}
        ) from None


@transaction.atomic
def saved_view_create(
    *, actor, name: str, query: str | Mapping, is_shared: bool = False
) -> SavedView:
    """Save the directory's current filters and sort under ``name``."""
    permissions.SAVE_VIEWS.ensure(actor)
    view = SavedView(
        owner=actor,
        name=_clean_name(name),
        is_shared=bool(is_shared),
        query=normalised_query(actor=actor, query=query),
    )
    _save(view)
    audit.record_create(
        actor=actor, instance=view, fields=VIEW_FIELDS, verb="partner_view.created"
    )
    events.emit("partner_view.created", payload=view_payload(view), actor=actor)
    return view


@transaction.atomic
def saved_view_update(*, view: SavedView, actor, data: Mapping) -> SavedView:
    """Rename, share or unshare, or replace the filters of one's own view."""
    _require_owner(actor, view)
    unknown = sorted(set(data) - {"name", "is_shared", "query"})
    if unknown:
        raise ValidationFailed(
            field_errors={name: [_("Cannot be changed.")] for name in unknown}
        )
    before = audit.snapshot(view, VIEW_FIELDS)
    if "name" in data:
        view.name = _clean_name(data["name"])
    if "is_shared" in data:
        view.is_shared = bool(data["is_shared"])
    if "query" in data:
        view.query = normalised_query(actor=actor, query=data["query"])
    _save(view)
    if audit.record_change(
        actor=actor, instance=view, before=before, verb="partner_view.changed"
    ):
        events.emit("partner_view.changed", payload=view_payload(view), actor=actor)
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor) -> None:
    _require_owner(actor, view)
    payload = view_payload(view)
    audit.record_delete(
        actor=actor, instance=view, fields=VIEW_FIELDS, verb="partner_view.deleted"
    )
    view.delete()
    events.emit("partner_view.deleted", payload=payload, actor=actor)
