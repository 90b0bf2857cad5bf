"""Reads of the asset library: everything for vendor staff (the console), the live
assets of a reader's audiences for partner users (the portal), and the engagement
figures (per asset, per partner) within the reader's partner scope."""

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from openprm.content import permissions
from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.models import (
    Asset,
    AssetVersion,
    ContentActivity,
    Folder,
    LibraryVisit,
    Tag,
    live_q,
)
from openprm.core import uploads
from openprm.core.db import (
    CompiledQueries,
    InJSONList,
    JSONListContains,
    PageKeys,
    Slot,
    bind,
    json_array_subquery,
    json_list,
    raw_rows,
    sql_rows,
    uuid_text,
)
from openprm.core.errors import NotFound
from openprm.core.scoping import scope_for
from openprm.segments.audiences import (
    AudienceReader,
    audience_q,
    matching_audience_ids,
)
from openprm.segments.audiences.selectors import audiences_to_choose
from openprm.tenancy.models import Membership

SORTS = ("newest", "most_used")
USAGE_DAYS = 30


@dataclass(frozen=True)
class LibraryFilters:
    """What a library list is narrowed to (portal, console and API alike)."""

    q: str = ""
    kind: str = ""
    product_line: str = ""
    language: str = ""
    # A folder's public id.
    folder: str = ""
    # Only assets published after this moment ("new since my last visit").
    since: datetime | None = None
    sort: str = "newest"

    def narrows(self) -> bool:
        """Whether the list holds fewer assets than without these filters (the
        order does not narrow it)."""
        return self != LibraryFilters(sort=self.sort)


def _filtered(assets: QuerySet, filters: LibraryFilters) -> QuerySet:
    for word in filters.q.lower().split()[:8]:
        assets = assets.filter(search_text__contains=word)
    if filters.kind:
        assets = assets.filter(kind=filters.kind)
    if filters.language:
        assets = assets.filter(language=filters.language.lower())
    if filters.product_line:
        assets = assets.filter(JSONListContains("product_lines", filters.product_line))
    if filters.folder:
        assets = assets.filter(folder__public_id=filters.folder)
    if filters.since is not None:
        assets = assets.filter(publish_at__gt=filters.since)
    if filters.sort == "most_used":
        return assets.order_by("-downloads", "-publish_at", "-id")
    return assets.order_by(F_NEWEST, "-id")


# Drafts (no publish date) sort with the newest in the console.
F_NEWEST = "-publish_at"


def narrowed(assets: QuerySet, filters: LibraryFilters) -> QuerySet:
    """A library list (already scoped to its reader) narrowed by ``filters``."""
    return _filtered(assets, filters)


def _for_page(assets: QuerySet) -> QuerySet:
    return assets.select_related(
        "folder", "audience", "owner", "current_version"
    ).prefetch_related("tags")


# --- console (vendor staff)


def assets_for_staff(*, user, filters: LibraryFilters | None = None) -> QuerySet:
    """Every asset of the library, for vendor staff who read content."""
    permissions.READ.ensure(user)
    return _for_page(_filtered(Asset.objects.all(), filters or LibraryFilters()))


def asset_get(*, user, public_id) -> Asset:
    """One asset, for vendor staff."""
    permissions.READ.ensure(user)
    asset = _for_page(Asset.objects.filter(public_id=public_id)).first()
    if asset is None:
        raise NotFound
    return asset


def versions_of(asset: Asset) -> list[AssetVersion]:
    """An asset's versions, newest first (its history)."""
    return list(asset.versions.select_related("created_by").order_by("-number"))


def expired_assets(*, user, owner=None, now: datetime | None = None) -> QuerySet:
    """Assets no longer on the portal (expired), newest expiry first; ``owner``
    narrows them to one owner's."""
    permissions.READ.ensure(user)
    now = now or timezone.now()
    assets = Asset.objects.filter(expires_at__isnull=False, expires_at__lte=now)
    if owner is not None:
        assets = assets.filter(owner=owner)
    return _for_page(assets).order_by("-expires_at", "-id")


def folders_list(*, user) -> list[Folder]:
    """Every folder, each with its ``depth`` and ``path`` (parents first)."""
    permissions.READ.ensure(user)
    folders = list(Folder.objects.all())
    children: dict[int | None, list[Folder]] = {}
    for folder in folders:
        children.setdefault(folder.parent_id, []).append(folder)
    ordered: list[Folder] = []

    def walk(parent_id, depth, path):
        for folder in children.get(parent_id, []):
            folder.depth = depth
            folder.path = f"{path} / {folder.name}" if path else folder.name
            ordered.append(folder)
            walk(folder.pk, depth + 1, folder.path)

    walk(None, 0, "")
    return ordered


def folder_choices(*, user) -> QuerySet:
    """The folders an asset or a folder may go in."""
    permissions.READ.ensure(user)
    return Folder.objects.order_by("name", "id")


def folder_get(*, user, public_id) -> Folder:
    permissions.READ.ensure(user)
    folder = Folder.objects.filter(public_id=public_id).first()
    if folder is None:
        raise NotFound
    return folder


def tags_list(*, user=None) -> QuerySet:
    """Every tag (anyone who reads the library may know its words)."""
    return Tag.objects.order_by("name")


def audiences_for_choice(*, user) -> QuerySet:
    """The audiences an asset may be given."""
    permissions.MANAGE.ensure(user)
    return audiences_to_choose()


# --- portal (partner users)


def assets_for_reader(
    *,
    reader: AudienceReader,
    filters: LibraryFilters | None = None,
    now: datetime | None = None,
) -> QuerySet:
    """The live assets the reader's audiences hold."""
    assets = Asset.objects.filter(live_q(now), audience_q(reader))
    return _for_page(_filtered(assets, filters or LibraryFilters()))


def asset_for_reader(*, reader: AudienceReader, public_id) -> Asset:
    """One live asset of the reader's audiences; anything else is not found."""
    asset = assets_for_reader(reader=reader).filter(public_id=public_id).first()
    if asset is None:
        raise NotFound
    return asset


# What a portal card shows (and its status reads).
CARD_COLUMNS = (
    "public_id",
    "kind",
    "title",
    "summary",
    "language",
    "product_lines",
    "thumbnail",
    "publish_at",
    "expires_at",
)


def last_visit(*, user) -> datetime | None:
    """When the user opened the library before this visit."""
    visit = LibraryVisit.objects.filter(user=user).first()
    return visit.previous_seen_at if visit else None


def _facet_rows(assets: QuerySet) -> QuerySet:
    # Grouped: a few rows reach Python however many assets there are.
    # The product lines as their stored text: hundreds of rows repeat a few
    # lists, each decoded once.
    return (
        assets.order_by()
        .values_list(
            "language",
            Cast("product_lines", TextField()),
            "folder__public_id",
            "folder__name",
        )
        .annotate(assets=Count("pk"))
    )


def facet_values(assets: QuerySet) -> dict:
    """The languages, product lines and folders present among ``assets`` (one
    query): what the filters offer; and ``total``, how many assets there are
    (the count of the unfiltered list, without a query of its own)."""
    return _facets(raw_rows(_facet_rows(assets)))


def _facets(rows) -> dict:
    languages: set[str] = set()
    product_lines: set[str] = set()
    folders: dict[str, str] = {}
    line_texts: set[str] = set()
    folder_keys: set = set()
    # As the database returns them: each distinct folder's id is read once.
    total = 0
    for language, lines, folder_id, folder_name, count in rows:
        total += count
        if language:
            languages.add(language)
        if lines:
            line_texts.add(lines)
        if folder_id is not None and folder_id not in folder_keys:
            folder_keys.add(folder_id)
            folders[uuid_text(folder_id)] = folder_name
    for text in line_texts:
        decoded = json.loads(text)
        if isinstance(decoded, list):
            product_lines.update(str(line) for line in decoded)
    return {
        "languages": sorted(languages),
        "product_lines": sorted(product_lines),
        "folders": sorted(folders.items(), key=lambda item: (item[1], item[0])),
        "total": total,
    }


# The portal's reads of a reader's library have one SQL for every reader: the
# reader's audiences (a JSON array of ids) and the moment are its parameters,
# and the page's window too; it is compiled once per filters.
_AUDIENCE_IDS = Slot("audience_ids")
_NOW = Slot("now", output_field=DateTimeField())
_PORTAL_READS = CompiledQueries(size=128)


def _readable(filters: LibraryFilters) -> QuerySet:
    """Any reader's live assets, by the slots above, narrowed by ``filters``."""
    assets = Asset.objects.filter(
        live_q(_NOW), InJSONList("audience_id", _AUDIENCE_IDS)
    )
    return _filtered(assets, filters)


def _cards_query(filters: LibraryFilters) -> QuerySet:
    """The page's keys (``PageKeys``: the reader index covers the audiences, the
    publishing window and the order, so they come from the index alone), then
    those rows with the current version's file type and the tags' names as one
    JSON array; only the columns a card shows."""
    readable = _readable(filters)
    return (
        Asset._base_manager.filter(pk__in=PageKeys(readable))
        .order_by(*readable.query.order_by)
        .only(*CARD_COLUMNS)
        .annotate(
            file_content_type=F("current_version__content_type"),
            tag_names_json=json_array_subquery(
                Tag.objects.filter(assets=OuterRef("pk")), "name"
            ),
        )
    )


@dataclass(frozen=True)
class PortalLibrary:
    """The live assets of a reader's audiences at one moment, as the portal reads
    them: the audiences matched once per request (``matching_audience_ids``, so a
    changed audience or partner shows on the next one), then each read by SQL
    compiled once per filters — building and compiling the library's queries cost
    a fifth of the page's work."""

    audience_ids: tuple[int, ...]
    now: datetime

    @classmethod
    def of(cls, reader: AudienceReader, now: datetime | None = None) -> "PortalLibrary":
        return cls(tuple(matching_audience_ids(reader)), now or timezone.now())

    def assets(self, filters: LibraryFilters | None = None) -> QuerySet:
        """The same assets as a queryset (counts of a narrowed list, the API)."""
        assets = Asset.objects.filter(
            live_q(self.now), audience_id__in=self.audience_ids
        )
        return _filtered(assets, filters or LibraryFilters())

    def _bound(self, key, build, **values) -> tuple[str, tuple] | None:
        compiled = _PORTAL_READS.sql(key, build)
        if compiled is None:
            return None
        return bind(
            *compiled,
            audience_ids=json_list(self.audience_ids),
            now=connection.ops.adapt_datetimefield_value(self.now),
            **values,
        )

    def facets(self) -> dict:
        """``facet_values`` of the reader's whole library."""
        bound = self._bound("facets", lambda: _facet_rows(_readable(LibraryFilters())))
        return _facets(sql_rows(*bound) if bound else [])

    def cards(self, filters: LibraryFilters, window: slice) -> list[Asset]:
        """The cards of ``window`` of the reader's list narrowed by
        ``filters``: one query."""
        bound = self._bound(
            ("cards", filters),
            lambda: _cards_query(filters),
            limit=window.stop - window.start,
            offset=window.start,
        )
        if bound is None:
            return []
        rows = with_status(Asset.objects.raw(*bound))
        for asset in rows:
            asset.tag_names = sorted(json.loads(asset.tag_names_json or "[]"))
        return rows


# --- engagement


def asset_usage(
    *, user, asset: Asset, days: int = USAGE_DAYS, now: datetime | None = None
) -> dict:
    """An asset's views and downloads: totals, per day over the last ``days``
    days and per partner (within the user's partner scope)."""
    permissions.READ.ensure(user)
    now = now or timezone.now()
    activity = ContentActivity.objects.visible_to(user).filter(asset=asset)
    viewed = Count("id", filter=Q(kind=ActivityKind.VIEW))
    downloaded = Count(
        "id",
        filter=Q(kind__in=[ActivityKind.DOWNLOAD, ActivityKind.COBRANDED_DOWNLOAD]),
    )
    totals = activity.aggregate(views=viewed, downloads=downloaded)
    start = (now - timedelta(days=days - 1)).date()
    by_day_rows = {
        row["day"]: row
        for row in activity.filter(occurred_at__date__gte=start)
        .annotate(day=TruncDate("occurred_at"))
        .values("day")
        .annotate(views=viewed, downloads=downloaded)
        .order_by("day")
    }
    by_day = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        row = by_day_rows.get(day, {})
        by_day.append(
            {
                "day": day,
                "views": row.get("views", 0),
                "downloads": row.get("downloads", 0),
            }
        )
    by_partner = list(
        activity.values("partner_id", "partner__name")
        .annotate(views=viewed, downloads=downloaded, last=Max("occurred_at"))
        .order_by("-downloads", "-views", "partner__name")
    )
    return {
        "views": totals["views"],
        "downloads": totals["downloads"],
        "by_day": by_day,
        "by_partner": by_partner,
        "bars": chart_bars(by_day),
    }


def partner_engagement(*, user, partner) -> dict:
    """A partner's engagement with the portal: its users' last login, and its
    content activity (views, downloads, announcements read) — for its console
    profile. Within the reader's partner scope (outside it: not found)."""
    permissions.READ.ensure(user)
    if not scope_for(user).includes(partner):
        raise NotFound
    activity = ContentActivity.objects.filter(partner=partner)
    counts = activity.aggregate(
        views=Count("id", filter=Q(kind=ActivityKind.VIEW)),
        downloads=Count(
            "id",
            filter=Q(kind__in=[ActivityKind.DOWNLOAD, ActivityKind.COBRANDED_DOWNLOAD]),
        ),
        announcements_read=Count(
            "id",
            filter=Q(
                kind__in=[
                    ActivityKind.ANNOUNCEMENT_READ,
                    ActivityKind.ANNOUNCEMENT_ACKNOWLEDGED,
                ]
            ),
        ),
        last_activity=Max("occurred_at"),
    )
    last_login = Membership.objects.filter(partner=partner, is_active=True).aggregate(
        last=Max("user__last_login")
    )["last"]
    return {**counts, "last_login": last_login}


def owners_for_choice(*, user) -> QuerySet:
    """Vendor staff who may own an asset (its expiry is theirs to handle)."""
    from openprm.accounts.models import User

    permissions.MANAGE.ensure(user)
    return (
        User.objects.filter(is_active=True)
        .exclude(vendor_role="")
        .order_by("full_name", "email")
    )


def status_of(asset: Asset, now: datetime | None = None) -> str:
    """draft, scheduled, live or expired."""
    now = now or timezone.now()
    if asset.publish_at is None:
        return "draft"
    if asset.expires_at is not None and asset.expires_at <= now:
        return "expired"
    return "scheduled" if asset.publish_at > now else "live"


def with_status(assets) -> list[Asset]:
    """``assets`` (a page of them) each with its ``library_status`` and
    ``type_label`` (each label translated once per page)."""
    now = timezone.now()
    rows = list(assets)
    labels: dict[tuple[str, str], str] = {}
    for asset in rows:
        asset.library_status = status_of(asset, now)
        key = _type_key(asset)
        if key not in labels:
            labels[key] = type_label(asset)
        asset.type_label = labels[key]
    return rows


def _type_key(asset: Asset) -> tuple[str, str]:
    if asset.kind != AssetKind.FILE:
        return asset.kind, ""
    # Read with the row where a list selected it (the portal's cards).
    if hasattr(asset, "file_content_type"):
        return asset.kind, asset.file_content_type or ""
    version = asset.current_version
    return asset.kind, version.content_type if version is not None else ""


def type_label(asset: Asset) -> str:
    """What the asset is, for people: its file's type, else its kind."""
    _kind, content_type = _type_key(asset)
    if content_type:
        found = uploads.label_of(content_type)
        if found:
            return found[:1].upper() + found[1:]
    return str(asset.get_kind_display())


def chart_bars(by_day: list[dict], *, width: int = 300, height: int = 100) -> list:
    """Bars of an inline SVG chart, one pair per day (views behind, downloads in
    front), scaled to the busiest day."""
    peak = max([1, *(max(row["views"], row["downloads"]) for row in by_day)])
    step = width / max(1, len(by_day))
    bars = []
    for index, row in enumerate(by_day):
        view_h = round(row["views"] / peak * height, 1)
        down_h = round(row["downloads"] / peak * height, 1)
        bars.append(
            {
                **row,
                "x": round(index * step + step * 0.1, 1),
                "width": round(step * 0.8, 1),
                "view_y": round(height - view_h, 1),
                "view_h": view_h,
                "down_y": round(height - down_h, 1),
                "down_h": down_h,
            }
        )
    return bars
