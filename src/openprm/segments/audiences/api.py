"""REST endpoints of audiences: list, read, create, change; the reach of an
audience or a draft rule; and a partner's explanation (which audiences hold it,
why, and what it sees).

Vendor staff read; vendor admins and channel marketing write and preview; partner
users get 403. Counts are within the caller's partner scope, computed per request.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.segments import permissions
from openprm.segments.audiences import selectors, services
from openprm.segments.models import Audience

router = ApiRouter(tags=["audiences"])


class AudienceIn(StrictSchema):
    class Meta:
        model = Audience

    name: str
    rule: dict[str, Any] = {"all": []}
    partner_roles: list[str] = []
    description: str = ""
    is_active: bool = True


class AudiencePatch(StrictSchema):
    class Meta:
        model = Audience

    name: str | None = None
    rule: dict[str, Any] | None = None
    partner_roles: list[str] | None = None
    description: str | None = None
    is_active: bool | None = None


class AudiencePreviewIn(StrictSchema):
    rule: Any
    partner_roles: list[str] = []


class AudienceReachOut(Schema):
    partners: int
    users: int
    is_valid: bool


class AudienceOut(Schema):
    id: UUID
    name: str
    description: str
    rule: dict[str, Any]
    partner_roles: list[str]
    is_active: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Audience) -> UUID:
        return obj.public_id


class AudienceDetailOut(AudienceOut):
    reach: AudienceReachOut


class AudienceMatchOut(Schema):
    id: UUID
    name: str
    holds: bool
    is_valid: bool
    rule_text: str
    reasons: list[str]
    partner_roles: list[str]
    users: int


class AudienceItemOut(Schema):
    title: str
    audience: UUID


class AudienceItemGroupOut(Schema):
    model: str
    label: str
    total: int
    items: list[AudienceItemOut]


class AudienceExplanationOut(Schema):
    partner: UUID
    audiences: list[AudienceMatchOut]
    items: list[AudienceItemGroupOut]


def _audience(request, audience_id: str) -> Audience:
    return selectors.audience_get(user=request.user, public_id=audience_id)


def _editable(request, audience_id: str) -> Audience:
    """403 for a reader before the lookup; 404 for an unknown audience."""
    return lookup(
        request,
        selectors.audience_get,
        rule=permissions.AUDIENCE_MANAGE,
        public_id=audience_id,
    )


def _detail(request, audience: Audience) -> Audience:
    audience.reach = selectors.audience_reach(user=request.user, audiences=[audience])[
        audience.pk
    ]
    return audience


@router.list("/audiences", response=AudienceOut, summary="List audiences")
def audience_list(request):
    """By name; vendor staff only. Each audience's reach is on its own page."""
    permissions.AUDIENCE_READ.ensure(request.user)
    return selectors.audience_list_visible_to(user=request.user)


@router.post(
    "/audiences", response={201: AudienceDetailOut}, summary="Create an audience"
)
def audience_create(request, payload: AudienceIn):
    """A ``rule`` over partners (errors by path, e.g. ``rule.all.0.value``;
    ``{"all": []}`` is every partner) and the ``partner_roles`` of their users it
    is for (``[]``: every role; else partner roles such as ``partner_admin``,
    ``sales``, ``marketing``, ``technical``)."""
    audience = services.audience_create(actor=request.user, **payload.model_dump())
    return Status(201, _detail(request, audience))


@router.post(
    "/audiences/preview",
    response=AudienceReachOut,
    summary="Count the partners and users a draft rule reaches",
)
def audience_preview(request, payload: AudiencePreviewIn):
    reach = selectors.rule_reach(
        user=request.user, rule=payload.rule, partner_roles=payload.partner_roles
    )
    return reach


@router.get(
    "/audiences/{audience_id}",
    response=AudienceDetailOut,
    summary="Get an audience with its reach",
)
def audience_get(request, audience_id: str):
    return _detail(request, _audience(request, audience_id))


@router.patch(
    "/audiences/{audience_id}",
    response=AudienceDetailOut,
    summary="Change an audience",
)
def audience_update(request, audience_id: str, payload: AudiencePatch):
    """Takes effect on the next request of every list that filters on it;
    ``is_active: false`` makes it hold nobody."""
    audience = services.audience_update(
        actor=request.user,
        audience=_editable(request, audience_id),
        **payload.model_dump(exclude_unset=True),
    )
    return _detail(request, audience)


@router.get(
    "/audiences/{audience_id}/reach",
    response=AudienceReachOut,
    summary="How many partners and users an audience reaches now",
)
def audience_reach(request, audience_id: str):
    return _detail(request, _audience(request, audience_id)).reach


@router.get(
    "/partners/{public_id}/audiences",
    response=AudienceExplanationOut,
    summary="Which audiences hold a partner, why, and what it sees",
)
def partner_audiences(request, public_id: str):
    """Every active audience with ``holds`` and, for those that hold the partner,
    the conditions that matched (``reasons``) and how many of its users they reach;
    then, per model that carries an audience (content assets, announcements…),
    how many live items the partner sees and the first of them."""
    partner = lookup(
        request,
        selectors.explain_partner_get,
        rule=permissions.AUDIENCE_READ,
        public_id=public_id,
    )
    explanation = selectors.audience_explanation(user=request.user, partner=partner)
    return {
        "partner": partner.public_id,
        "audiences": [
            {
                "id": match.audience.public_id,
                "name": match.audience.name,
                "holds": match.holds,
                "is_valid": match.is_valid,
                "rule_text": match.rule_text,
                "reasons": match.reasons,
                "partner_roles": match.audience.partner_roles,
                "users": match.users,
            }
            for match in explanation.matches
        ],
        "items": [
            {
                "model": group.key,
                "label": group.label,
                "total": group.total,
                "items": [
                    {"title": str(item), "audience": audience.public_id}
                    for item, audience, _roles in group.items
                ],
            }
            for group in explanation.groups
        ],
    }
