"""REST endpoints of the asset library: assets (vendor staff see every one; partner
users the live ones of their audiences, anything else is 404), their files and
versions (multipart uploads checked by content), folders, tags and per-asset usage.

A partner user reads for the organisation of their first active membership (by
name), as the portal does before the switcher is used.
"""

from datetime import date, datetime
from uuid import UUID

from ninja import File, Form, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from openprm.content import permissions
from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.library import selectors, services, serving
from openprm.content.models import Asset, Folder, Tag
from openprm.core.api import ApiRouter, StrictSchema
from openprm.core.errors import NotFound, ValidationFailed
from openprm.segments.audiences import audience_reader
from openprm.segments.audiences.selectors import audience_to_choose
from openprm.segments.models import Audience
from openprm.tenancy.selectors import membership_read_for

router = ApiRouter(tags=["content"])

OPTIONAL_FILE = File(None)


# --- schemas


class AssetVersionOut(Schema):
    number: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime


class AssetOut(Schema):
    id: UUID
    kind: str
    title: str
    summary: str
    folder: UUID | None
    tags: list[str]
    language: str
    product_lines: list[str]
    audience: UUID
    url: str
    body: str
    publish_at: datetime | None
    expires_at: datetime | None
    downloads: int
    current_version: AssetVersionOut | None

    @staticmethod
    def resolve_id(obj: Asset) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_folder(obj: Asset) -> UUID | None:
        return obj.folder.public_id if obj.folder_id else None

    @staticmethod
    def resolve_tags(obj: Asset) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_audience(obj: Asset) -> UUID:
        return obj.audience.public_id


class AssetListFilters(StrictSchema):
    class Meta:
        model = Asset

    q: str = ""
    kind: AssetKind | None = None
    product_line: str = ""
    language: str = ""
    folder: UUID | None = None
    sort: str = "newest"


class AssetIn(StrictSchema):
    """A link or a page (a file asset is made with the multipart endpoint)."""

    class Meta:
        model = Asset

    kind: AssetKind
    title: str
    audience: UUID
    summary: str = ""
    folder: UUID | None = None
    tags: list[str] = []
    language: str = ""
    product_lines: list[str] = []
    url: str = ""
    body: str = ""
    publish_at: datetime | None = None
    expires_at: datetime | None = None


class AssetPatch(StrictSchema):
    class Meta:
        model = Asset

    title: str | None = None
    summary: str | None = None
    audience: UUID | None = None
    folder: UUID | None = None
    tags: list[str] | None = None
    language: str | None = None
    product_lines: list[str] | None = None
    url: str | None = None
    body: str | None = None
    publish_at: datetime | None = None
    expires_at: datetime | None = None


class FileAssetIn(Schema):
    """The fields of a file asset sent as a multipart form with its ``file``."""

    title: str
    audience: UUID
    summary: str = ""
    folder: UUID | None = None
    tags: str = ""
    language: str = ""
    product_lines: str = ""
    publish_at: datetime | None = None
    expires_at: datetime | None = None


class LibraryFolderOut(Schema):
    id: UUID
    name: str
    parent: UUID | None

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_parent(obj) -> UUID | None:
        return obj.parent.public_id if obj.parent_id else None


class LibraryFolderIn(StrictSchema):
    class Meta:
        model = Folder

    name: str
    parent: UUID | None = None


class LibraryTagOut(Schema):
    id: int
    name: str


class LibraryTagIn(StrictSchema):
    class Meta:
        model = Tag

    name: str


class AssetUsageDay(Schema):
    day: date
    views: int
    downloads: int


class AssetUsagePartner(Schema):
    partner: int
    partner_name: str
    views: int
    downloads: int
    last: datetime | None


class AssetUsageOut(Schema):
    views: int
    downloads: int
    by_day: list[AssetUsageDay]
    by_partner: list[AssetUsagePartner]


# --- who reads


def _reader_membership(request):
    """A partner user's membership they read for; None for vendor staff."""
    user = request.user
    if user.is_vendor_staff:
        return None
    return membership_read_for(user=user)


def _readable(request):
    """The assets the caller may read: all for staff who read content, the live
    ones of their audiences for a partner user."""
    membership = _reader_membership(request)
    if membership is None:
        return selectors.assets_for_staff(user=request.user), None
    return (
        selectors.assets_for_reader(reader=audience_reader(membership=membership)),
        membership,
    )


def _asset(request, asset_id: UUID) -> tuple[Asset, object]:
    assets, membership = _readable(request)
    asset = assets.filter(public_id=asset_id).first()
    if asset is None:
        raise NotFound
    return asset, membership


def _audience(request, public_id) -> Audience:
    permissions.MANAGE.ensure(request.user)
    return audience_to_choose(public_id)


def _folder(request, public_id):
    if public_id is None:
        return None
    try:
        return selectors.folder_get(user=request.user, public_id=public_id)
    except NotFound:
        raise ValidationFailed(
            field_errors={"folder": ["No folder has this id."]}
        ) from None


def _words(value: str) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _fresh(request, asset: Asset) -> Asset:
    return selectors.asset_get(user=request.user, public_id=asset.public_id)


# --- assets


@router.list(
    "/content/assets",
    response=AssetOut,
    summary="List library assets (staff: all; partner users: those for them)",
    description="Partner users see the live assets of their audiences only. `q` "
    "searches title, summary, tags and the text of PDFs; `sort` is `newest` or "
    "`most_used`.",
)
def asset_list(request, filters: Query[AssetListFilters]):
    assets, _membership = _readable(request)
    return selectors.narrowed(
        assets,
        selectors.LibraryFilters(
            q=filters.q,
            kind=filters.kind or "",
            product_line=filters.product_line,
            language=filters.language,
            folder=str(filters.folder) if filters.folder else "",
            sort=filters.sort if filters.sort in selectors.SORTS else "newest",
        ),
    )


@router.post(
    "/content/assets",
    response={201: AssetOut},
    summary="Create a link or a page asset (channel marketing)",
)
def asset_create(request, payload: AssetIn):
    permissions.MANAGE.ensure(request.user)
    if payload.kind == AssetKind.FILE:
        raise ValidationFailed(
            field_errors={
                "kind": ["Upload a file asset to /content/assets/files (multipart)."]
            }
        )
    asset = services.asset_create(
        actor=request.user,
        kind=payload.kind,
        title=payload.title,
        audience=_audience(request, payload.audience),
        summary=payload.summary,
        folder=_folder(request, payload.folder),
        tags=payload.tags,
        language=payload.language,
        product_lines=payload.product_lines,
        url=payload.url,
        body=payload.body,
        publish_at=payload.publish_at,
        expires_at=payload.expires_at,
    )
    return Status(201, _fresh(request, asset))


@router.post(
    "/content/assets/files",
    response={201: AssetOut},
    summary="Create a file asset: a multipart form with its `file` (channel marketing)",
    description="The file is checked by its content (not its name): executables, "
    "HTML and SVG with scripts are refused, and so is a file larger than "
    "OPENPRM_CONTENT_UPLOAD_MAX_BYTES; a refusal stores nothing. `tags` and "
    "`product_lines` are comma-separated.",
)
def asset_create_file(
    request, payload: Form[FileAssetIn], file: UploadedFile | None = OPTIONAL_FILE
):
    permissions.MANAGE.ensure(request.user)
    asset = services.asset_create(
        actor=request.user,
        kind=AssetKind.FILE,
        title=payload.title,
        audience=_audience(request, payload.audience),
        summary=payload.summary,
        folder=_folder(request, payload.folder),
        tags=_words(payload.tags),
        language=payload.language,
        product_lines=_words(payload.product_lines),
        publish_at=payload.publish_at,
        expires_at=payload.expires_at,
        file=file,
    )
    return Status(201, _fresh(request, asset))


@router.get(
    "/content/assets/{asset_id}",
    response=AssetOut,
    summary="Get an asset (partner users: only a live one of their audiences)",
)
def asset_get(request, asset_id: UUID):
    asset, membership = _asset(request, asset_id)
    if membership is not None:
        services.asset_activity_record(
            actor=request.user,
            partner_id=membership.partner_id,
            asset=asset,
            kind=ActivityKind.VIEW,
        )
    return asset


@router.patch(
    "/content/assets/{asset_id}",
    response=AssetOut,
    summary="Change an asset's fields (channel marketing)",
)
def asset_update(request, asset_id: UUID, payload: AssetPatch):
    permissions.MANAGE.ensure(request.user)
    asset = selectors.asset_get(user=request.user, public_id=asset_id)
    changes = payload.model_dump(exclude_unset=True)
    tags = changes.pop("tags", None)
    if "audience" in changes:
        changes["audience"] = _audience(request, changes["audience"])
    if "folder" in changes:
        changes["folder"] = _folder(request, changes["folder"])
    services.asset_update(actor=request.user, asset=asset, tags=tags, **changes)
    return _fresh(request, asset)


@router.post(
    "/content/assets/{asset_id}/versions",
    response={201: AssetVersionOut},
    summary="Upload a new version of a file asset: multipart `file` (channel "
    "marketing)",
    description="It replaces the file partners download; the history stays. "
    "Checked by content like the first file.",
)
def asset_version_add(
    request, asset_id: UUID, file: UploadedFile | None = OPTIONAL_FILE
):
    permissions.MANAGE.ensure(request.user)
    asset = selectors.asset_get(user=request.user, public_id=asset_id)
    version = services.asset_version_add(actor=request.user, asset=asset, file=file)
    return Status(201, version)


@router.get(
    "/content/assets/{asset_id}/versions",
    response=list[AssetVersionOut],
    summary="An asset's versions, newest first (vendor staff)",
)
def asset_versions(request, asset_id: UUID):
    asset = selectors.asset_get(user=request.user, public_id=asset_id)
    return selectors.versions_of(asset)


@router.get(
    "/content/assets/{asset_id}/download",
    response={200: None, 206: None},
    summary="Download an asset's current file (an attachment; byte ranges)",
    description="Partner users' downloads are recorded (`content.downloaded`).",
)
def asset_download(request, asset_id: UUID):
    asset, membership = _asset(request, asset_id)
    version = asset.current_version
    if asset.kind != AssetKind.FILE or version is None:
        raise NotFound
    if membership is not None and serving.is_first_request(request):
        services.asset_activity_record(
            actor=request.user,
            partner_id=membership.partner_id,
            asset=asset,
            kind=ActivityKind.DOWNLOAD,
        )
    return serving.file_response(
        request,
        version.file,
        content_type=version.content_type,
        filename=version.original_name,
    )


@router.get(
    "/content/assets/{asset_id}/usage",
    response=AssetUsageOut,
    summary="An asset's views and downloads by day and by partner (vendor staff; "
    "partners within the caller's scope)",
)
def asset_usage(request, asset_id: UUID):
    asset = selectors.asset_get(user=request.user, public_id=asset_id)
    usage = selectors.asset_usage(user=request.user, asset=asset)
    return {
        "views": usage["views"],
        "downloads": usage["downloads"],
        "by_day": usage["by_day"],
        "by_partner": [
            {
                "partner": row["partner_id"],
                "partner_name": row["partner__name"],
                "views": row["views"],
                "downloads": row["downloads"],
                "last": row["last"],
            }
            for row in usage["by_partner"]
        ],
    }


# --- folders and tags


@router.get(
    "/content/folders",
    response=list[LibraryFolderOut],
    summary="The library's folders, parents first (vendor staff)",
)
def folder_list(request):
    return selectors.folders_list(user=request.user)


@router.post(
    "/content/folders",
    response={201: LibraryFolderOut},
    summary="Create a folder (channel marketing)",
)
def folder_create(request, payload: LibraryFolderIn):
    permissions.MANAGE.ensure(request.user)
    parent = None
    if payload.parent is not None:
        try:
            parent = selectors.folder_get(user=request.user, public_id=payload.parent)
        except NotFound:
            raise ValidationFailed(
                field_errors={"parent": ["No folder has this id."]}
            ) from None
    folder = services.folder_create(
        actor=request.user, name=payload.name, parent=parent
    )
    return Status(201, folder)


@router.get(
    "/content/tags",
    response=list[LibraryTagOut],
    summary="The library's tags (vendor staff)",
)
def tag_list(request):
    permissions.READ.ensure(request.user)
    return list(selectors.tags_list())


@router.post(
    "/content/tags",
    response={201: LibraryTagOut},
    summary="Create a tag (channel marketing)",
)
def tag_create(request, payload: LibraryTagIn):
    return Status(201, services.tag_create(actor=request.user, name=payload.name))
