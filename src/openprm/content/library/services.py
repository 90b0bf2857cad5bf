"""Writes of the asset library: folders, tags, assets and their versions (channel
marketing), and the engagement record of partner users' views and downloads.

Every change is audited and emits an event in the same transaction. A file is
checked by its content (``core.uploads``) before anything is stored, so a refused
upload leaves no file and no row.
"""

import hashlib
import logging
import uuid
from datetime import datetime, timedelta

import nh3
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openprm.content import permissions
from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.models import (
    Asset,
    AssetVersion,
    ContentActivity,
    Folder,
    LibraryVisit,
    Tag,
)
from openprm.core import audit, events, uploads
from openprm.core.db import PreparedQuery
from openprm.core.errors import Conflict, ValidationFailed

logger = logging.getLogger(__name__)

# Fields of an asset that its form and the API may set (and the audit compares).
ASSET_FIELDS = (
    "title",
    "summary",
    "folder",
    "language",
    "product_lines",
    "owner",
    "audience",
    "url",
    "body",
    "publish_at",
    "expires_at",
)
THUMBNAIL_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
# How much of a PDF is read for search: enough to find it, not a book's worth.
PDF_TEXT_PAGES = 50
PDF_TEXT_CHARS = 200_000
# Pages of the library opened within this gap are one visit.
VISIT_GAP = timedelta(minutes=30)
# A page opened this soon after the last one recorded is not written down: the
# same sitting, and a write per page would serialise a user's pages on SQLite.
VISIT_TOUCH = timedelta(minutes=1)


# --- pure helpers


def sanitise_body(html: str) -> str:
    """A page's HTML with only harmless tags and attributes (nh3)."""
    return nh3.clean(html or "", link_rel="noopener noreferrer")


def pdf_text(file) -> str:
    """The text of a PDF's first pages, for search; "" when it cannot be read (a
    damaged or encrypted PDF is still a file partners may download)."""
    from pypdf import PdfReader

    position = file.tell()
    try:
        file.seek(0)
        reader = PdfReader(file)
        parts: list[str] = []
        size = 0
        for page in reader.pages[:PDF_TEXT_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= PDF_TEXT_CHARS:
                break
        return " ".join(" ".join(parts).split())[:PDF_TEXT_CHARS]
    except Exception:
        logger.info("The text of an uploaded PDF could not be read", exc_info=True)
        return ""
    finally:
        file.seek(position)


def search_text_of(asset: Asset, *, tags, text: str) -> str:
    """What search reads: title, summary, tags and the current file's text."""
    return " ".join(
        part
        for part in [asset.title, asset.summary, *[tag.name for tag in tags], text]
        if part
    ).lower()


def _sha256(file) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


# --- checks


def _check_asset(*, kind: str, values: dict, has_file: bool) -> None:
    """The business rules of an asset's fields, as field errors."""
    problems: dict[str, list[str]] = {}
    if kind not in AssetKind.values:
        problems["kind"] = [str(_("Choose a file, a link or a page."))]
    if not (values.get("title") or "").strip():
        problems["title"] = [str(_("Give the asset a title."))]
    if kind == AssetKind.LINK and not values.get("url"):
        problems["url"] = [str(_("A link needs its address."))]
    if kind == AssetKind.PAGE and not (values.get("body") or "").strip():
        problems["body"] = [str(_("A page needs a text."))]
    if kind == AssetKind.FILE and not has_file:
        problems["file"] = [str(_("Upload the file."))]
    if values.get("audience") is None:
        problems["audience"] = [str(_("Choose who the asset is for."))]
    publish_at, expires_at = values.get("publish_at"), values.get("expires_at")
    if publish_at and expires_at and expires_at <= publish_at:
        problems["expires_at"] = [
            str(_("The asset must expire after it is published."))
        ]
    if problems:
        raise ValidationFailed(field_errors=problems)


def _check_thumbnail(thumbnail) -> None:
    if thumbnail:
        uploads.validate_upload(thumbnail, field="thumbnail", accept=THUMBNAIL_TYPES)


def _product_lines(values) -> list[str]:
    seen: list[str] = []
    for value in values or []:
        value = str(value).strip()
        if value and value not in seen:
            seen.append(value[:100])
    return seen


def _tags(actor, names) -> list[Tag]:
    """The tags named (made when new), in name order."""
    cleaned = sorted({name.strip()[:100] for name in names or [] if name.strip()})
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=cleaned)}
    for name in cleaned:
        if name not in found:
            found[name] = tag_create(actor=actor, name=name)
    return [found[name] for name in cleaned]


def _payload(asset: Asset) -> dict:
    return {
        "id": str(asset.public_id),
        "kind": asset.kind,
        "title": asset.title,
        "audience": asset.audience_id,
        "publish_at": audit.json_value(asset.publish_at),
        "expires_at": audit.json_value(asset.expires_at),
    }


# --- folders and tags


@transaction.atomic
def folder_create(*, actor, name: str, parent: Folder | None = None) -> Folder:
    """A folder of the library, at the top or inside ``parent``."""
    permissions.MANAGE.ensure(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [str(_("Name the folder."))]})
    if Folder.objects.filter(parent=parent, name=name).exists():
        raise ValidationFailed(
            field_errors={"name": [str(_("This folder already holds one so named."))]}
        )
    try:
        with transaction.atomic():
            folder = Folder.objects.create(name=name, parent=parent)
    except IntegrityError:
        raise Conflict(_("This folder already holds one so named.")) from None
    audit.record_create(
        actor=actor,
        instance=folder,
        fields=["name", "parent"],
        verb="content.folder_created",
    )
    events.emit(
        "content.folder_created",
        payload={"id": str(folder.public_id), "name": folder.name},
        actor=actor,
    )
    return folder


@transaction.atomic
def folder_update(
    *, actor, folder: Folder, name: str, parent: Folder | None = None
) -> Folder:
    """Rename or move a folder (never into itself or one of its own folders)."""
    permissions.MANAGE.ensure(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(field_errors={"name": [str(_("Name the folder."))]})
    ancestor = parent
    while ancestor is not None:
        if ancestor.pk == folder.pk:
            raise ValidationFailed(
                field_errors={"parent": [str(_("A folder cannot go inside itself."))]}
            )
        ancestor = ancestor.parent
    if Folder.objects.filter(parent=parent, name=name).exclude(pk=folder.pk).exists():
        raise ValidationFailed(
            field_errors={"name": [str(_("This folder already holds one so named."))]}
        )
    before = audit.snapshot(folder, ["name", "parent"])
    folder.name, folder.parent = name, parent
    folder.save(update_fields=["name", "parent", "updated_at"])
    if audit.record_change(
        actor=actor, instance=folder, before=before, verb="content.folder_updated"
    ):
        events.emit(
            "content.folder_updated",
            payload={"id": str(folder.public_id), "name": folder.name},
            actor=actor,
        )
    return folder


@transaction.atomic
def tag_create(*, actor, name: str) -> Tag:
    """A word assets are found by (the existing one when it is already there)."""
    permissions.MANAGE.ensure(actor)
    name = (name or "").strip()[:100]
    if not name:
        raise ValidationFailed(field_errors={"name": [str(_("Name the tag."))]})
    existing = Tag.objects.filter(name=name).first()
    if existing is not None:
        return existing
    tag = Tag.objects.create(name=name)
    audit.record_create(
        actor=actor, instance=tag, fields=["name"], verb="content.tag_created"
    )
    events.emit(
        "content.tag_created", payload={"id": tag.pk, "name": tag.name}, actor=actor
    )
    return tag


# --- assets and versions


@transaction.atomic
def asset_create(
    *,
    actor,
    kind: str,
    title: str,
    audience,
    summary: str = "",
    folder: Folder | None = None,
    tags=(),
    language: str = "",
    product_lines=(),
    owner=None,
    url: str = "",
    body: str = "",
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    thumbnail=None,
    file=None,
) -> Asset:
    """A new asset: a file (its first version), a link or a page; a draft until
    ``publish_at``. The file and thumbnail are checked before anything is stored."""
    permissions.MANAGE.ensure(actor)
    values = {
        "title": (title or "").strip(),
        "summary": (summary or "").strip(),
        "folder": folder,
        "language": (language or "").strip().lower(),
        "product_lines": _product_lines(product_lines),
        "owner": owner or actor,
        "audience": audience,
        "url": url if kind == AssetKind.LINK else "",
        "body": sanitise_body(body) if kind == AssetKind.PAGE else "",
        "publish_at": publish_at,
        "expires_at": expires_at,
    }
    _check_asset(kind=kind, values=values, has_file=bool(file))
    found = uploads.validate_upload(file) if kind == AssetKind.FILE else None
    _check_thumbnail(thumbnail)
    asset = Asset(kind=kind, **values)
    if thumbnail:
        asset.thumbnail = thumbnail
    asset.save()
    tag_rows = _tags(actor, tags)
    asset.tags.set(tag_rows)
    audit.record_create(
        actor=actor,
        instance=asset,
        fields=["kind", *ASSET_FIELDS, "thumbnail"],
        verb="content.asset_created",
    )
    events.emit("content.asset_created", payload=_payload(asset), actor=actor)
    text = ""
    if found is not None:
        version = _add_version(actor=actor, asset=asset, file=file, found=found)
        text = version.text
    asset.search_text = search_text_of(asset, tags=tag_rows, text=text)
    asset.save(update_fields=["search_text"])
    return asset


@transaction.atomic
def asset_update(*, actor, asset: Asset, tags=None, thumbnail=None, **changes) -> Asset:
    """Change an asset's fields (only those given; ``tags`` as names replaces the
    tags). A page's body is sanitised again."""
    permissions.MANAGE.ensure(actor)
    unknown = set(changes) - set(ASSET_FIELDS)
    if unknown:
        raise ValidationFailed(
            field_errors={name: [str(_("Unknown field."))] for name in sorted(unknown)}
        )
    before = audit.snapshot(asset, [*ASSET_FIELDS, "thumbnail"])
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    if "summary" in changes:
        changes["summary"] = (changes["summary"] or "").strip()
    if "language" in changes:
        changes["language"] = (changes["language"] or "").strip().lower()
    if "product_lines" in changes:
        changes["product_lines"] = _product_lines(changes["product_lines"])
    if "body" in changes:
        changes["body"] = (
            sanitise_body(changes["body"]) if asset.kind == AssetKind.PAGE else ""
        )
    if "url" in changes and asset.kind != AssetKind.LINK:
        changes["url"] = ""
    values = {name: getattr(asset, name) for name in ASSET_FIELDS} | changes
    _check_asset(
        kind=asset.kind, values=values, has_file=asset.current_version_id is not None
    )
    _check_thumbnail(thumbnail)
    for name, value in changes.items():
        setattr(asset, name, value)
    if thumbnail:
        asset.thumbnail = thumbnail
    tag_rows = list(asset.tags.all())
    tags_before = sorted(tag.name for tag in tag_rows)
    if tags is not None:
        tag_rows = _tags(actor, tags)
        asset.tags.set(tag_rows)
    text = asset.current_version.text if asset.current_version_id else ""
    asset.search_text = search_text_of(asset, tags=tag_rows, text=text)
    # Only what changed: a full save would write back a stale download count.
    asset.save(
        update_fields=[
            *changes,
            *(["thumbnail"] if thumbnail else []),
            "search_text",
            "updated_at",
        ]
    )
    entry = audit.record_change(
        actor=actor, instance=asset, before=before, verb="content.asset_updated"
    )
    tags_after = sorted(tag.name for tag in tag_rows)
    if tags_after != tags_before:
        audit.record(
            actor=actor,
            instance=asset,
            action="update",
            changes={"tags": [tags_before, tags_after]},
            verb="content.asset_tagged",
        )
    if entry is not None or tags_after != tags_before:
        events.emit(
            "content.asset_updated",
            payload={**_payload(asset), "tags": tags_after},
            actor=actor,
        )
    return asset


@transaction.atomic
def asset_unpublish(*, actor, asset: Asset) -> Asset:
    """Take an asset off the portal now (it expires now)."""
    now = timezone.now()
    if asset.expires_at is not None and asset.expires_at <= now:
        raise Conflict(_("The asset is already off the portal."))
    return asset_update(
        actor=actor,
        asset=asset,
        expires_at=now,
        publish_at=asset.publish_at
        if asset.publish_at and asset.publish_at < now
        else None,
    )


def _add_version(*, actor, asset: Asset, file, found) -> AssetVersion:
    number = (asset.versions.aggregate(most=Max("number"))["most"] or 0) + 1
    text = pdf_text(file) if found.kind == "pdf" else ""
    sha256 = _sha256(file)
    original_name = (getattr(file, "name", "") or "file")[-255:]
    # Stored under a name of our own: the sniffed extension, never the uploader's.
    file.name = f"{uuid.uuid4().hex}.{found.extensions[0]}"
    try:
        with transaction.atomic():
            version = AssetVersion.objects.create(
                asset=asset,
                number=number,
                file=file,
                original_name=original_name.rsplit("/", 1)[-1],
                content_type=found.content_type,
                size=file.size,
                sha256=sha256,
                text=text,
                created_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("Another version was added meanwhile; try again.")) from None
    asset.current_version = version
    asset.save(update_fields=["current_version", "updated_at"])
    audit.record_create(
        actor=actor,
        instance=version,
        fields=["asset", "number", "original_name", "content_type", "size", "sha256"],
        verb="content.version_added",
    )
    events.emit(
        "content.version_added",
        payload={
            "asset": str(asset.public_id),
            "number": version.number,
            "name": version.original_name,
            "content_type": version.content_type,
            "size": version.size,
            "sha256": version.sha256,
        },
        actor=actor,
    )
    return version


@transaction.atomic
def asset_version_add(*, actor, asset: Asset, file) -> AssetVersion:
    """A new file for a file asset: it replaces the one partners download, the
    history stays. Checked by content before anything is stored."""
    permissions.MANAGE.ensure(actor)
    if asset.kind != AssetKind.FILE:
        raise ValidationFailed(
            field_errors={"file": [str(_("Only a file asset has versions."))]}
        )
    if not file:
        raise ValidationFailed(field_errors={"file": [str(_("Upload the file."))]})
    found = uploads.validate_upload(file)
    version = _add_version(actor=actor, asset=asset, file=file, found=found)
    asset.search_text = search_text_of(
        asset, tags=list(asset.tags.all()), text=version.text
    )
    asset.save(update_fields=["search_text"])
    return version


# --- engagement


@transaction.atomic
def asset_activity_record(
    *, actor, partner_id: int, asset: Asset, kind: str = ActivityKind.VIEW
) -> ContentActivity:
    """A partner user viewed or downloaded an asset for their organisation: the
    engagement record, the download counter (``F()``, no lost update) and an event
    (``content.viewed``, ``content.downloaded``)."""
    activity = ContentActivity.objects.create(
        partner_id=partner_id,
        user=actor,
        kind=kind,
        asset=asset,
        version_id=asset.current_version_id,
    )
    if kind == ActivityKind.DOWNLOAD:
        Asset.objects.filter(pk=asset.pk).update(downloads=F("downloads") + 1)
    name = "content.downloaded" if kind == ActivityKind.DOWNLOAD else "content.viewed"
    events.emit(
        name,
        payload={
            "asset": str(asset.public_id),
            "version": asset.current_version_id,
            "user": actor.pk,
            "partner": partner_id,
            "occurred_at": audit.json_value(activity.occurred_at),
        },
        actor=actor,
        partner_id=partner_id,
    )
    return activity


# The visit read on every library page, compiled once.
_visits = PreparedQuery(lambda user: LibraryVisit.objects.filter(user=user))


def library_visit_record(*, user, now: datetime | None = None) -> datetime | None:
    """The user opened the library: remember when, and answer when the visit
    before was (what "new since my last visit" compares with). Not business data:
    no audit entry."""
    now = now or timezone.now()
    visits = _visits.instances(user.pk)
    if visits:
        visit = visits[0]
    else:
        # get_or_create: two first visits at once make one row, not an error.
        visit, created = LibraryVisit.objects.get_or_create(
            user=user, defaults={"last_seen_at": now}
        )
        if created:
            return None
    if now - visit.last_seen_at < VISIT_TOUCH:
        return visit.previous_seen_at
    # Several pages in one sitting are one visit.
    if now - visit.last_seen_at > VISIT_GAP:
        visit.previous_seen_at = visit.last_seen_at
    visit.last_seen_at = now
    visit.save(update_fields=["previous_seen_at", "last_seen_at"])
    return visit.previous_seen_at
