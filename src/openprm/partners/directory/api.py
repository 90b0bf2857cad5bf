"""Saved views of the partner directory: vendor staff list, save and read their own
and the shared ones; only the owner changes or deletes one. Each view carries its
``querystring``, ready for ``GET /partners?…``."""

from datetime import datetime
from urllib.parse import urlencode
from uuid import UUID

from ninja import Field, Schema, Status

from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.partners import permissions
from openprm.partners.directory import selectors, services
from openprm.partners.models import SavedView

router = ApiRouter(tags=["saved views"])


class SavedViewOut(Schema):
    """A named directory search: apply ``querystring`` to ``GET /partners``."""

    id: UUID = Field(validation_alias="public_id")
    name: str
    is_shared: bool
    owner: UUID
    is_own: bool = Field(description="Whether the caller saved it (and may change it).")
    query: dict[str, list[str]]
    querystring: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_owner(obj) -> UUID:
        return getattr(obj, "owner_public_id", None) or obj.owner.public_id

    @staticmethod
    def resolve_is_own(obj, context) -> bool:
        return obj.owner_id == context["request"].user.pk

    @staticmethod
    def resolve_querystring(obj) -> str:
        return urlencode(
            [(key, value) for key, values in obj.query.items() for value in values]
        )


class SavedViewDetailOut(SavedViewOut):
    problems: list[str] = Field(
        [],
        description="What the view names that no longer exists (left out when "
        "applied): a deleted custom field, programme, tier, scorecard, …",
    )


class SavedViewIn(StrictSchema):
    class Meta:
        model = SavedView

    name: str
    query: str = Field(
        "",
        description="A directory query string, e.g. "
        "`status=active&region=EMEA&sort=-created`.",
    )
    is_shared: bool = False


class SavedViewPatchIn(StrictSchema):
    class Meta:
        model = SavedView

    name: str = ""
    query: str = ""
    is_shared: bool = False


def _view(request, view_id: UUID):
    return lookup(
        request,
        selectors.saved_view_get,
        rule=permissions.SAVE_VIEWS,
        public_id=view_id,
    )


@router.list(
    "/partners/views",
    response=SavedViewOut,
    summary="List saved directory views",
    description="Vendor staff: their own views and those shared with vendor staff.",
)
def saved_view_list(request):
    permissions.SAVE_VIEWS.ensure(request.user)
    return selectors.saved_views_for(user=request.user)


@router.post(
    "/partners/views",
    response={201: SavedViewOut},
    summary="Save a directory view",
    description="Vendor staff. The query is normalised as the directory reads it.",
)
def saved_view_create(request, payload: SavedViewIn):
    view = services.saved_view_create(actor=request.user, **payload.model_dump())
    return Status(201, view)


@router.get(
    "/partners/views/{uuid:view_id}",
    response=SavedViewDetailOut,
    summary="Get a saved view, checked again",
)
def saved_view_get(request, view_id: UUID):
    view = _view(request, view_id)
    _filters, view.problems = selectors.saved_view_filters(user=request.user, view=view)
    return view


@router.patch(
    "/partners/views/{uuid:view_id}",
    response=SavedViewOut,
    summary="Rename, share or change a saved view",
    description="Only the person who saved the view.",
)
def saved_view_update(request, view_id: UUID, payload: SavedViewPatchIn):
    return services.saved_view_update(
        view=_view(request, view_id),
        actor=request.user,
        data=payload.model_dump(exclude_unset=True),
    )


@router.delete(
    "/partners/views/{uuid:view_id}",
    response={204: None},
    summary="Delete a saved view",
    description="Only the person who saved the view.",
)
def saved_view_delete(request, view_id: UUID):
    services.saved_view_delete(view=_view(request, view_id), actor=request.user)
    return Status(204, None)
