"""REST endpoints of co-branding: an asset's zones (vendor staff read them, channel
marketing and admins write them; bad zones are a 422 with one error per field), and
a partner user's co-branded copy (made or reused with POST, downloaded with GET)."""

from typing import Any
from uuid import UUID

from django.http import FileResponse
from ninja import Field, Query, Schema

from openprm.content import permissions
from openprm.content.cobranding import generation, selectors, services
from openprm.content.models import Asset
from openprm.core.api import ApiRouter, ReaderQuery, StrictSchema, lookup
from openprm.core.errors import ApplicationError, PermissionDenied
from openprm.tenancy.selectors import membership_read_for

router = ApiRouter(tags=["content"])


class CobrandingIn(StrictSchema):
    is_cobrandable: bool
    zones: list[dict[str, Any]] = Field(
        description='Each zone: {"kind": "logo"|"text", "page": n, "x", "y", '
        '"width", "height" (PDF points from the lower-left corner; pixels for an '
        'image), "field": name|website|phone|email|contact_name for a text zone, '
        'optional "font_size"}.'
    )


class PageOut(Schema):
    number: int
    width: float
    height: float


class CobrandingOut(Schema):
    asset: UUID
    title: str
    is_cobrandable: bool
    zones: list[dict[str, Any]]
    unit: str = Field(description='"pt" for a PDF, "px" for an image.')
    pages: list[PageOut]
    file_problem: str = Field(
        "", description="Why the current version's pages could not be read."
    )


class CopyOut(Schema):
    asset: UUID
    version: int
    partner: int
    fingerprint: str
    size: int
    made: bool = Field(description="True when the copy was made by this request.")
    download: str = Field(description="Where GET downloads it.")


def _cobranding_out(asset: Asset) -> dict:
    pages, unit, problem = [], "pt", ""
    if asset.current_version is not None:
        try:
            boxes, unit = generation.page_boxes(
                selectors.original_bytes(asset.current_version)
            )
            pages = [
                {"number": number, "width": right - left, "height": top - bottom}
                for number, (left, bottom, right, top) in enumerate(boxes, start=1)
            ]
        except ApplicationError as error:
            problem = str(error.message)
    return {
        "asset": asset.public_id,
        "title": asset.title,
        "is_cobrandable": asset.is_cobrandable,
        "zones": asset.cobrand_zones,
        "unit": unit,
        "pages": pages,
        "file_problem": problem,
    }


@router.get(
    "/content/assets/{asset_id}/cobranding",
    response=CobrandingOut,
    summary="Get an asset's co-branding: zones and the current version's pages",
)
def cobranding_get(request, asset_id: UUID):
    asset = lookup(request, selectors.asset_for_cobranding, public_id=asset_id)
    return _cobranding_out(asset)


@router.put(
    "/content/assets/{asset_id}/cobranding",
    response=CobrandingOut,
    summary="Mark an asset co-brandable and place its zones",
    description="The zones are checked against the current version's real pages: "
    "a page that does not exist or a box outside its page is a 422 naming the "
    "zone (`zones.1.page`, `zones.1`).",
)
def cobranding_update(request, asset_id: UUID, payload: CobrandingIn):
    asset = lookup(
        request,
        selectors.asset_for_cobranding,
        rule=permissions.MANAGE,
        public_id=asset_id,
    )
    services.asset_cobranding_update(
        actor=request.user,
        asset=asset,
        is_cobrandable=payload.is_cobrandable,
        zones_raw=payload.zones,
    )
    return _cobranding_out(asset)


def _reader_asset(request, asset_id: UUID, partner: int | None):
    if request.user.is_vendor_staff:
        raise PermissionDenied("Co-branded copies are made for partner users.")
    membership = membership_read_for(user=request.user, partner_id=partner)
    asset = selectors.cobrandable_asset_for_reader(
        membership=membership, public_id=asset_id
    )
    return membership, asset


@router.post(
    "/content/assets/{asset_id}/cobranded-copy",
    response=CopyOut,
    summary="Make (or reuse) the caller's organisation's co-branded copy",
    description="Partner users, for an asset in their audience and live. The copy "
    "is cached per version and per the partner's details; `made` says whether "
    "this request made it.",
)
def cobranded_copy_make(request, asset_id: UUID, query: Query[ReaderQuery]):
    membership, asset = _reader_asset(request, asset_id, query.partner)
    copy, made = services.cobranded_copy_get(partner=membership.partner, asset=asset)
    return {
        "asset": asset.public_id,
        "version": copy.version.number,
        "partner": membership.partner_id,
        "fingerprint": copy.fingerprint,
        "size": copy.file.size,
        "made": made,
        # The same path: GET downloads what POST made.
        "download": request.build_absolute_uri(
            request.path + (f"?partner={query.partner}" if query.partner else "")
        ),
    }


@router.get(
    "/content/assets/{asset_id}/cobranded-copy",
    response={200: None},
    summary="Download the caller's organisation's co-branded copy",
    description="Recorded as a download (`content.downloaded` with "
    '`"cobranded": true`).',
)
def cobranded_copy_download(request, asset_id: UUID, query: Query[ReaderQuery]):
    membership, asset = _reader_asset(request, asset_id, query.partner)
    copy, _made = services.cobranded_copy_download(
        actor=request.user, membership=membership, asset=asset
    )
    return FileResponse(
        copy.file.open("rb"),
        as_attachment=True,
        filename=services.download_name(
            asset=asset, partner=membership.partner, copy=copy
        ),
        content_type=generation.content_type_of_name(copy.file.name),
    )
