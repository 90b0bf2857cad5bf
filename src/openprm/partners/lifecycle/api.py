"""The partner lifecycle API: status changes, hierarchy moves and downstream
visibility, duplicates, merges.

Vendor admins may do all of it; channel managers change the status of the partners
in their scope. Everyone else gets 403 whatever the id; a partner outside the
caller's scope is 404. A refused status change is 409 (``invalid_transition``) with
the reason in ``detail``.
"""

from typing import Literal
from uuid import UUID

from ninja import Field, Query, Schema

from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.core.errors import ValidationFailed
from openprm.partners import permissions
from openprm.partners.choices import PartnerStatus
from openprm.partners.lifecycle import selectors, services
from openprm.partners.models import Partner

router = ApiRouter(tags=["partner lifecycle"])

StatusName = Literal[tuple(PartnerStatus.values)]  # type: ignore[valid-type]


class PartnerRef(Schema):
    id: UUID = Field(validation_alias="public_id")
    name: str
    status: str


class PartnerPlacement(PartnerRef):
    parent: UUID | None = Field(None, validation_alias="parent.public_id")
    depth: int


class PartnerStatusIn(StrictSchema):
    status: StatusName
    reason: str = Field(description="Why the status changes; kept in the audit trail.")


class MoveIn(StrictSchema):
    parent: UUID | None = Field(
        description="The partner to place it beneath; null for the top."
    )


class DownstreamVisibilityIn(StrictSchema):
    downstream_visibility: bool = Field(
        description="Whether the partner's users see the partners beneath it."
    )


class DownstreamVisibilityOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    partner: int = Field(
        validation_alias="pk",
        description="The partner's numeric id, as other resources' `partner` carry.",
    )
    downstream_visibility: bool = Field(
        description="Whether the partner's users see the partners beneath it: "
        "their deals, leads and other business data (not their teams)."
    )


class MergeIn(StrictSchema):
    duplicate: UUID = Field(
        description="The partner folded into this one, then terminated."
    )


class DuplicateFilters(StrictSchema):
    class Meta:
        model = Partner

    # Required, but checked by the operation: a parameter the schema requires would
    # be reported missing before an unknown one is refused.
    name: str = Field("", max_length=200, description="The name to match (required).")
    website: str = Field("", max_length=200, description="A website or domain.")


class PartnerDuplicateOut(Schema):
    partner: PartnerRef
    score: float = Field(description="0-100: how alike.")
    reasons: list[str]


class MergeOut(Schema):
    survivor: PartnerRef
    duplicate: PartnerRef
    moved: dict[str, int]
    left: dict[str, int] = Field(
        description="Rows that stayed with the duplicate (e.g. a membership the "
        "survivor already has)."
    )


@router.post(
    "/partners/{public_id}/status",
    response=PartnerPlacement,
    summary="Change a partner's status",
    description="Vendor admins, and channel managers for their partners. Allowed "
    "moves: see docs/partners.md; others are refused with 409.",
)
def partner_status_change(request, public_id: UUID, payload: PartnerStatusIn):
    partner = lookup(
        request,
        selectors.partner_get_for_lifecycle,
        rule=permissions.CHANGE_STATUS,
        public_id=public_id,
    )
    return services.partner_status_change(
        partner=partner,
        status=payload.status,
        reason=payload.reason,
        actor=request.user,
    )


@router.post(
    "/partners/{public_id}/move",
    response=PartnerPlacement,
    summary="Place a partner beneath another (or at the top)",
    description="Vendor admins only. The partners beneath it move with it; cycles "
    "and hierarchies deeper than OPENPRM_MAX_PARTNER_DEPTH tiers are refused (422).",
)
def partner_move(request, public_id: UUID, payload: MoveIn):
    partner = lookup(
        request,
        selectors.partner_get_for_lifecycle,
        rule=permissions.PLACE,
        public_id=public_id,
    )
    parent = None
    if payload.parent is not None:
        parent = selectors.partner_get_for_lifecycle(
            user=request.user, public_id=payload.parent
        )
    partner = services.partner_move(partner=partner, parent=parent, actor=request.user)
    return selectors.partner_get_for_lifecycle(
        user=request.user, public_id=partner.public_id
    )


@router.get(
    "/partners/{public_id}/downstream-visibility",
    response=DownstreamVisibilityOut,
    summary="Whether a distributor sees the partners beneath it",
    description="Whoever may see the partner (vendor staff in scope, its own users, "
    "the distributor above).",
)
def partner_downstream_visibility_get(request, public_id: UUID):
    return selectors.partner_get_for_lifecycle(user=request.user, public_id=public_id)


@router.put(
    "/partners/{public_id}/downstream-visibility",
    response=DownstreamVisibilityOut,
    summary="Grant or withdraw a distributor's sight of the partners beneath it",
    description="Vendor admins only. The partner's users then read (or stop "
    "reading) the business data of every partner beneath it, at once; audited as "
    "`partner.downstream_visibility_changed`, with an event of the same name. "
    "Setting the value it already has changes nothing.",
)
def partner_downstream_visibility_set(
    request, public_id: UUID, payload: DownstreamVisibilityIn
):
    partner = lookup(
        request,
        selectors.partner_get_for_lifecycle,
        rule=permissions.PLACE,
        public_id=public_id,
    )
    return services.partner_downstream_visibility_set(
        partner=partner, visible=payload.downstream_visibility, actor=request.user
    )


@router.get(
    "/partners/duplicates",
    response=list[PartnerDuplicateOut],
    summary="Find partners that may be duplicates",
    description="Vendor admins only. Candidates by normalised name (legal forms and "
    "punctuation ignored) and by website domain, best first, with reasons.",
)
def partner_duplicates(request, filters: Query[DuplicateFilters]):
    if not filters.name:
        raise ValidationFailed(field_errors={"name": ["Field required"]})
    permissions.MERGE.ensure(request.user)
    candidates = selectors.partner_duplicates_find(
        name=filters.name, website=filters.website, user=request.user
    )
    return [
        {
            "partner": candidate.partner,
            "score": candidate.score,
            "reasons": [str(reason) for reason in candidate.reasons],
        }
        for candidate in candidates
    ]


@router.post(
    "/partners/{public_id}/merge",
    response=MergeOut,
    summary="Merge a duplicate into this partner",
    description="Vendor admins only. Members, partners beneath, invitations and "
    "every other related row move here; the duplicate is kept, terminated, with its "
    "audit history.",
)
def partner_merge(request, public_id: UUID, payload: MergeIn):
    survivor = lookup(
        request,
        selectors.partner_get_for_lifecycle,
        rule=permissions.MERGE,
        public_id=public_id,
    )
    duplicate = selectors.partner_get_for_lifecycle(
        user=request.user, public_id=payload.duplicate
    )
    return services.partner_merge(
        survivor=survivor, duplicate=duplicate, actor=request.user
    )
