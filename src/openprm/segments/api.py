"""REST endpoints of segments and static lists.

Vendor staff read segments and their members (within their partner scope); vendor
admins and channel marketing write them. Membership is computed per request.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.segments import exports, permissions, selectors, services
from openprm.segments.audiences import api as audiences_api
from openprm.segments.models import Segment, SegmentKind

router = ApiRouter(tags=["segments"])
# Audiences: their own sub-package, on the same router.
router.add_router("", audiences_api.router)


class SegmentIn(StrictSchema):
    class Meta:
        model = Segment

    name: str
    kind: SegmentKind
    rule: dict[str, Any] = {}
    description: str = ""
    is_active: bool = True


class SegmentPatch(StrictSchema):
    class Meta:
        model = Segment

    name: str | None = None
    rule: dict[str, Any] | None = None
    description: str | None = None
    is_active: bool | None = None


class PreviewIn(StrictSchema):
    rule: Any


class MemberIn(StrictSchema):
    partner: int


class SegmentOut(Schema):
    id: UUID
    name: str
    description: str
    kind: str
    rule: dict[str, Any]
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Segment) -> UUID:
        return obj.public_id


class SegmentDetailOut(SegmentOut):
    member_count: int


class SegmentCountOut(Schema):
    count: int


class MemberOut(Schema):
    id: int
    public_id: UUID
    name: str
    partner_type: str
    status: str
    country: str
    region: str

    @staticmethod
    def resolve_id(obj) -> int:
        return obj.pk


def _segment(request, segment_id: str) -> Segment:
    return selectors.segment_get(user=request.user, public_id=segment_id)


def _editable(request, segment_id: str) -> Segment:
    """403 for a reader before the lookup; 404 for an unknown segment."""
    return lookup(
        request, selectors.segment_get, rule=permissions.EDIT, public_id=segment_id
    )


def _detail(request, segment: Segment) -> Segment:
    segment.member_count = selectors.segment_member_count(
        user=request.user, segment=segment
    )
    return segment


@router.list("/segments", response=SegmentOut, summary="List segments")
def segment_list(request):
    """By name; vendor staff only. Member counts are on each segment's own page."""
    permissions.READ.ensure(request.user)
    return selectors.segment_list_visible_to(user=request.user)


@router.post(
    "/segments",
    response={201: SegmentDetailOut},
    summary="Create a segment or static list",
)
def segment_create(request, payload: SegmentIn):
    """A ``dynamic`` segment needs a valid ``rule`` (errors by path, e.g.
    ``rule.all.0.value``); a ``static`` list has none."""
    segment = services.segment_create(actor=request.user, **payload.model_dump())
    return Status(201, _detail(request, segment))


@router.post(
    "/segments/preview",
    response=SegmentCountOut,
    summary="Count the partners a draft rule selects",
)
def segment_preview(request, payload: PreviewIn):
    permissions.EDIT.ensure(request.user)
    return {"count": selectors.rule_preview_count(user=request.user, rule=payload.rule)}


@router.get(
    "/segments/{segment_id}",
    response=SegmentDetailOut,
    summary="Get a segment with its member count",
)
def segment_get(request, segment_id: str):
    return _detail(request, _segment(request, segment_id))


@router.patch(
    "/segments/{segment_id}",
    response=SegmentDetailOut,
    summary="Change a segment",
)
def segment_update(request, segment_id: str, payload: SegmentPatch):
    segment = services.segment_update(
        actor=request.user,
        segment=_editable(request, segment_id),
        **payload.model_dump(exclude_unset=True),
    )
    return _detail(request, segment)


@router.delete(
    "/segments/{segment_id}", response={204: None}, summary="Delete a segment"
)
def segment_delete(request, segment_id: str):
    services.segment_delete(actor=request.user, segment=_editable(request, segment_id))
    return Status(204, None)


@router.list(
    "/segments/{segment_id}/members",
    response=MemberOut,
    summary="List a segment's partners",
)
def segment_member_list(request, segment_id: str):
    """By name, within the caller's partner scope; computed from the current data."""
    return selectors.segment_members(
        user=request.user, segment=_segment(request, segment_id)
    )


EXPORT_DESCRIPTION = (
    "Vendor staff. The segment's partners the caller may see (a channel manager "
    "only theirs), computed from the current data, with the columns of the "
    "directory export (`GET /exports/partners.csv`): the profile, then `cf_<key>` "
    "per active custom field. Streamed; takes no query parameters."
)


def _export(request, segment_id: str, file_format: str):
    return exports.segment_download(
        user=request.user,
        segment=_segment(request, segment_id),
        file_format=file_format,
    )


@router.get(
    "/segments/{segment_id}/export.csv",
    response={200: None},
    summary="Export a segment's partners as CSV",
    description=EXPORT_DESCRIPTION,
)
def segment_export_csv(request, segment_id: str):
    return _export(request, segment_id, "csv")


@router.get(
    "/segments/{segment_id}/export.xlsx",
    response={200: None},
    summary="Export a segment's partners as XLSX",
    description=EXPORT_DESCRIPTION,
)
def segment_export_xlsx(request, segment_id: str):
    return _export(request, segment_id, "xlsx")


@router.post(
    "/segments/{segment_id}/members",
    response={201: MemberOut},
    summary="Add a partner to a static list",
)
def static_list_add(request, segment_id: str, payload: MemberIn):
    """The partner must be in the caller's scope (404); twice is a 409."""
    segment = _editable(request, segment_id)
    partner = selectors.partner_for_list(user=request.user, partner_id=payload.partner)
    services.static_list_add(actor=request.user, segment=segment, partner=partner)
    return Status(201, partner)


@router.delete(
    "/segments/{segment_id}/members/{partner_id}",
    response={204: None},
    summary="Remove a partner from a static list",
)
def static_list_remove(request, segment_id: str, partner_id: int):
    segment = _editable(request, segment_id)
    partner = selectors.partner_for_list(user=request.user, partner_id=partner_id)
    services.static_list_remove(actor=request.user, segment=segment, partner=partner)
    return Status(204, None)
