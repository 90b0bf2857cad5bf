"""REST endpoints of campaigns. Vendor staff read them; vendor admins and channel
marketing create, change, test, schedule and cancel them."""

from datetime import datetime
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Schema
from ninja.responses import Status

from openprm.campaigns import permissions, selectors, services
from openprm.campaigns.models import Campaign
from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.core.errors import ValidationFailed

router = ApiRouter(tags=["campaigns"])


class CampaignIn(StrictSchema):
    class Meta:
        model = Campaign

    name: str
    segment: UUID
    programme: UUID
    subject: str
    body: str


class CampaignPatch(StrictSchema):
    class Meta:
        model = Campaign

    name: str | None = None
    segment: UUID | None = None
    programme: UUID | None = None
    subject: str | None = None
    body: str | None = None


class ScheduleIn(StrictSchema):
    send_at: datetime | None = None


class FunnelOut(Schema):
    recipients: int
    sent: int
    bounced: int
    clicked: int
    applied: int
    approved: int
    waiting: int
    suppressed: int


class CampaignOut(Schema):
    id: UUID
    name: str
    status: str
    segment: UUID
    programme: UUID
    subject: str
    body: str
    send_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Campaign) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_segment(obj: Campaign) -> UUID:
        return obj.segment.public_id

    @staticmethod
    def resolve_programme(obj: Campaign) -> UUID:
        return obj.programme.public_id


class CampaignDetailOut(CampaignOut):
    funnel: FunnelOut


class RecipientOut(Schema):
    email: str
    company: str
    contact_name: str
    partner: int | None
    status: str
    error: str
    sent_at: datetime | None
    clicked_at: datetime | None
    applied_at: datetime | None
    approved_at: datetime | None

    @staticmethod
    def resolve_partner(obj) -> int | None:
        return obj.partner_id


def _references(data: dict) -> dict:
    """Segment and programme ids to rows (422 for an unknown one)."""
    errors = {}
    if data.get("segment") is not None:
        data["segment"] = selectors.segment_by_public_id(data["segment"])
        if data["segment"] is None:
            errors["segment"] = [_("No such segment.")]
    if data.get("programme") is not None:
        data["programme"] = selectors.programme_by_public_id(data["programme"])
        if data["programme"] is None:
            errors["programme"] = [_("No such programme.")]
    if errors:
        raise ValidationFailed(field_errors=errors)
    return data


def _editable(request, campaign_id: str) -> Campaign:
    """403 for anyone who may not edit, before the lookup."""
    return lookup(
        request, selectors.campaign_get, rule=permissions.EDIT, public_id=campaign_id
    )


def _detail(campaign: Campaign) -> Campaign:
    campaign.funnel = selectors.campaign_funnel(campaign=campaign)
    return campaign


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@router.list("/campaigns", response=CampaignOut, summary="List campaigns")
def campaign_list(request):
    """Newest first; vendor staff only."""
    permissions.READ.ensure(request.user)
    return selectors.campaign_list_visible_to(user=request.user)


@router.post(
    "/campaigns",
    response={201: CampaignDetailOut},
    summary="Create a draft campaign",
)
def campaign_create(request, payload: CampaignIn):
    """``subject`` and ``body`` may use {{ company }}, {{ contact }} and
    {{ programme }}; any other placeholder is a 422."""
    permissions.EDIT.ensure(request.user)
    campaign = services.campaign_create(
        actor=request.user, **_references(payload.model_dump())
    )
    return Status(201, _detail(campaign))


@router.get(
    "/campaigns/{campaign_id}",
    response=CampaignDetailOut,
    summary="Get a campaign with its funnel",
)
def campaign_get(request, campaign_id: str):
    return _detail(selectors.campaign_get(user=request.user, public_id=campaign_id))


@router.patch(
    "/campaigns/{campaign_id}",
    response=CampaignDetailOut,
    summary="Change a draft campaign",
)
def campaign_update(request, campaign_id: str, payload: CampaignPatch):
    """409 once the campaign is scheduled."""
    campaign = _editable(request, campaign_id)
    services.campaign_update(
        actor=request.user,
        campaign=campaign,
        **_references(payload.model_dump(exclude_unset=True)),
    )
    return _detail(campaign)


@router.post(
    "/campaigns/{campaign_id}/test-send",
    response={202: None},
    summary="Send the campaign's email to myself",
)
def campaign_test_send(request, campaign_id: str):
    services.campaign_test_send(
        actor=request.user,
        campaign=_editable(request, campaign_id),
        base_url=_base_url(request),
    )
    return Status(202, None)


@router.post(
    "/campaigns/{campaign_id}/schedule",
    response=CampaignDetailOut,
    summary="Schedule a draft campaign",
)
def campaign_schedule(request, campaign_id: str, payload: ScheduleIn):
    """At ``send_at`` (with a time zone), or now when it is left out."""
    campaign = services.campaign_schedule(
        actor=request.user,
        campaign=_editable(request, campaign_id),
        base_url=_base_url(request),
        send_at=payload.send_at,
    )
    return _detail(campaign)


@router.post(
    "/campaigns/{campaign_id}/cancel",
    response=CampaignDetailOut,
    summary="Cancel a scheduled or sending campaign",
)
def campaign_cancel(request, campaign_id: str):
    campaign = services.campaign_cancel(
        actor=request.user, campaign=_editable(request, campaign_id)
    )
    return _detail(campaign)


@router.list(
    "/campaigns/{campaign_id}/recipients",
    response=RecipientOut,
    summary="List a campaign's recipients and what each did",
)
def campaign_recipients(request, campaign_id: str):
    campaign = selectors.campaign_get(user=request.user, public_id=campaign_id)
    return selectors.campaign_recipients(campaign=campaign)
