"""REST endpoints of leads.

Vendor lead managers (vendor admins, channel managers, channel marketing) create,
import, push (idempotent by external id), route and recall leads and maintain the
routing rules and capacities; every vendor role reads leads in its scope. Partner
admins and sellers read the leads offered to their organisation, accept or reject
them, and work them.
"""

from datetime import date, datetime
from uuid import UUID

from ninja import File, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from openprm.core.api import ApiRouter, Page, ReasonIn, StrictSchema, lookup
from openprm.core.errors import ValidationFailed
from openprm.leads import permissions, selectors, services
from openprm.leads.batch import route_waiting_leads
from openprm.leads.models import Lead, LeadRoutingRule, LeadStatus, RoutingStrategy

router = ApiRouter(tags=["leads"])


class LeadPushIn(StrictSchema):
    class Meta:
        model = Lead

    company: str
    country: str
    region: str
    domain: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    postal_code: str = ""
    industry: str = ""
    product_interest: str = ""
    size_band: str = ""
    latitude: float | None = None
    longitude: float | None = None
    description: str = ""


class LeadIn(LeadPushIn):
    external_id: str | None = None


class LeadPatch(StrictSchema):
    class Meta:
        model = Lead

    company: str | None = None
    country: str | None = None
    region: str | None = None
    domain: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    postal_code: str | None = None
    industry: str | None = None
    product_interest: str | None = None
    size_band: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    description: str | None = None


class LeadFilters(StrictSchema):
    status: LeadStatus | None = None
    q: str = ""


class LeadStatusIn(StrictSchema):
    status: LeadStatus
    note: str = ""


class LeadNoteIn(StrictSchema):
    text: str


class ConvertLineIn(StrictSchema):
    product_line: str
    quantity: int = 1
    amount: str


class ConvertIn(StrictSchema):
    title: str
    expected_close_date: date
    lines: list[ConvertLineIn]
    currency: str = "USD"
    description: str = ""


class LeadOut(Schema):
    id: UUID
    external_id: str | None
    company: str
    domain: str
    contact_name: str
    contact_email: str
    country: str
    region: str
    postal_code: str
    industry: str
    product_interest: str
    size_band: str
    status: str
    source: str
    partner: int | None
    partner_name: str | None
    converted_deal_id: UUID | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Lead) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: Lead) -> int | None:
        return obj.current_partner_id

    @staticmethod
    def resolve_partner_name(obj: Lead) -> str | None:
        return obj.current_partner.name if obj.current_partner_id else None


class AssignmentOut(Schema):
    partner: int
    partner_name: str
    rule: str
    reasons: list[str]
    passed_over: list[dict]
    offered_at: datetime
    respond_by: datetime
    outcome: str
    outcome_at: datetime | None
    outcome_reason: str

    @staticmethod
    def resolve_partner(obj) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_rule(obj) -> str:
        return obj.rule_name


class ActivityOut(Schema):
    kind: str
    partner: int | None
    message: str
    data: dict
    created_at: datetime

    @staticmethod
    def resolve_partner(obj) -> int | None:
        return obj.partner_id


class LeadDetailOut(LeadOut):
    assignments: list[AssignmentOut]
    timeline: list[ActivityOut]

    @staticmethod
    def resolve_assignments(obj) -> list:
        return obj.assignment_list


class LeadImportOut(Schema):
    created: int
    updated: int
    failed: int
    routed: int
    rows: list[dict]


class BatchOut(Schema):
    routed: int
    unassigned: int


class LeadRuleIn(StrictSchema):
    class Meta:
        model = LeadRoutingRule

    name: str
    strategy: RoutingStrategy
    order: int = 100
    is_active: bool = True
    countries: list[str] = []
    regions: list[str] = []
    postal_prefixes: list[str] = []
    industries: list[str] = []
    product_interests: list[str] = []
    size_bands: list[str] = []
    same_country: bool = True
    same_region: bool = False
    match_specialisation: bool = False
    match_industry: bool = False
    named_partner: int | None = None
    tier_weight: float = 1.0
    score_weight: float = 1.0
    acceptance_weight: float = 1.0
    win_weight: float = 1.0


class LeadRulePatch(StrictSchema):
    class Meta:
        model = LeadRoutingRule

    name: str | None = None
    strategy: RoutingStrategy | None = None
    order: int | None = None
    is_active: bool | None = None
    countries: list[str] | None = None
    regions: list[str] | None = None
    postal_prefixes: list[str] | None = None
    industries: list[str] | None = None
    product_interests: list[str] | None = None
    size_bands: list[str] | None = None
    same_country: bool | None = None
    same_region: bool | None = None
    match_specialisation: bool | None = None
    match_industry: bool | None = None
    named_partner: int | None = None
    tier_weight: float | None = None
    score_weight: float | None = None
    acceptance_weight: float | None = None
    win_weight: float | None = None


class LeadRuleOut(Schema):
    id: UUID
    name: str
    order: int
    is_active: bool
    strategy: str
    countries: list[str]
    regions: list[str]
    postal_prefixes: list[str]
    industries: list[str]
    product_interests: list[str]
    size_bands: list[str]
    same_country: bool
    same_region: bool
    match_specialisation: bool
    match_industry: bool
    named_partner: int | None
    tier_weight: float
    score_weight: float
    acceptance_weight: float
    win_weight: float

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_named_partner(obj) -> int | None:
        return obj.named_partner_id


class CapacityIn(StrictSchema):
    max_open_leads: int


class CapacityOut(Schema):
    partner_id: int
    name: str
    capacity: int
    is_default: bool
    open_leads: int
    offered: int
    accepted: int
    rejected: int
    recalled: int
    rate: float | None


# --- leads


def _detail(lead: Lead) -> Lead:
    lead.assignment_list = selectors.lead_assignments(lead=lead)
    lead.timeline = selectors.lead_timeline(lead=lead)
    return lead


def _detail_of(request, lead: Lead) -> Lead:
    return _detail(selectors.lead_get(user=request.user, public_id=lead.public_id))


@router.list("/leads", response=LeadOut, summary="List leads")
def lead_list(request, filters: Query[LeadFilters]):
    """Newest first: vendor staff see the leads in their scope, partner users the
    leads currently offered to or held by their organisations."""
    permissions.READ.ensure(request.user)
    return selectors.lead_list(
        user=request.user, status=filters.status or "", search=filters.q
    )


@router.post(
    "/leads",
    response={201: LeadDetailOut},
    summary="Create a lead (and route it)",
)
def lead_create(request, payload: LeadIn):
    lead = services.lead_create(actor=request.user, data=payload.model_dump())
    return Status(201, _detail_of(request, lead))


@router.put(
    "/leads/by-external-id/{external_id}",
    response={200: LeadDetailOut, 201: LeadDetailOut},
    summary="Push a lead from a CRM (create or update by external id)",
    description="Idempotent: the same body twice changes nothing. 201 when the "
    "lead is new (and routed), 200 when it existed (not re-routed).",
)
def lead_push(request, external_id: str, payload: LeadPushIn):
    lead, created = services.lead_upsert(
        actor=request.user, external_id=external_id, data=payload.model_dump()
    )
    return Status(201 if created else 200, _detail_of(request, lead))


@router.post(
    "/leads/import",
    response=LeadImportOut,
    summary="Import leads from CSV or XLSX",
    description="One lead per row (columns as the lead fields; a row with a known "
    "external_id updates that lead); returns each row's outcome, then routes the "
    "new leads.",
)
def lead_import(request, file: File[UploadedFile] = None):
    permissions.MANAGE.ensure(request.user)
    if file is None:
        raise ValidationFailed(field_errors={"file": ["Upload a file."]})
    return services.lead_import(
        actor=request.user, file_name=file.name or "", content=file.read()
    )


@router.post(
    "/leads/route-waiting",
    response=BatchOut,
    summary="Route every waiting lead",
    description="New, unassigned, rejected and recalled leads, in one batch.",
)
def lead_route_waiting(request):
    result = route_waiting_leads(actor=request.user)
    return {"routed": result.routed, "unassigned": result.unassigned}


@router.get(
    "/leads/{lead_id}",
    response=LeadDetailOut,
    summary="Get a lead with its assignments, reasons and timeline",
)
def lead_get(request, lead_id: UUID):
    return _detail(selectors.lead_get(user=request.user, public_id=lead_id))


@router.patch("/leads/{lead_id}", response=LeadDetailOut, summary="Edit a lead")
def lead_update(request, lead_id: UUID, payload: LeadPatch):
    lead = lookup(
        request, selectors.lead_get, rule=permissions.MANAGE, public_id=lead_id
    )
    data = payload.model_dump(exclude_unset=True)
    lead = services.lead_update(actor=request.user, lead=lead, data=data)
    return _detail(lead)


@router.post(
    "/leads/{lead_id}/route",
    response=LeadDetailOut,
    summary="Route a waiting lead",
)
def lead_route(request, lead_id: UUID):
    lead = lookup(
        request, selectors.lead_get, rule=permissions.MANAGE, public_id=lead_id
    )
    services.lead_route(actor=request.user, lead=lead)
    return _detail_of(request, lead)


@router.post(
    "/leads/{lead_id}/recall",
    response=LeadDetailOut,
    summary="Recall an offered lead and route it on",
)
def lead_recall(request, lead_id: UUID):
    lead = lookup(
        request, selectors.lead_get, rule=permissions.MANAGE, public_id=lead_id
    )
    services.lead_recall(actor=request.user, lead=lead, reason="Recalled by the vendor")
    return _detail_of(request, lead)


@router.post(
    "/leads/{lead_id}/accept",
    response=LeadDetailOut,
    summary="Accept an offered lead",
)
def lead_accept(request, lead_id: UUID):
    lead = lookup(request, selectors.lead_get, rule=permissions.WORK, public_id=lead_id)
    lead = services.lead_accept(actor=request.user, lead=lead)
    return _detail(lead)


@router.post(
    "/leads/{lead_id}/reject",
    response=LeadOut,
    summary="Reject an offered lead with a reason",
    description="The lead goes to the next eligible partner, so it leaves the "
    "rejecting partner's list.",
)
def lead_reject(request, lead_id: UUID, payload: ReasonIn):
    lead = lookup(request, selectors.lead_get, rule=permissions.WORK, public_id=lead_id)
    return services.lead_reject(
        actor=request.user,
        lead=lead,
        reason=payload.reason,
    )


@router.post(
    "/leads/{lead_id}/status",
    response=LeadDetailOut,
    summary="Move an accepted lead on (working, lost)",
)
def lead_status(request, lead_id: UUID, payload: LeadStatusIn):
    lead = lookup(request, selectors.lead_get, rule=permissions.WORK, public_id=lead_id)
    lead = services.lead_set_status(
        actor=request.user,
        lead=lead,
        status=payload.status,
        note=payload.note,
    )
    return _detail(lead)


@router.post(
    "/leads/{lead_id}/notes",
    response={201: ActivityOut},
    summary="Add a note to a lead's timeline",
)
def lead_note(request, lead_id: UUID, payload: LeadNoteIn):
    activity = services.lead_add_note(
        actor=request.user,
        lead=selectors.lead_get(user=request.user, public_id=lead_id),
        text=payload.text,
    )
    return Status(201, activity)


@router.post(
    "/leads/{lead_id}/convert",
    response=LeadDetailOut,
    summary="Convert an accepted lead into a registered deal (approved at once)",
    description="The deal carries the lead's customer; `converted_deal_id` names "
    "it. It stays submitted for a reviewer when another partner's registration "
    "already protects the customer.",
)
def lead_convert(request, lead_id: UUID, payload: ConvertIn):
    lead = lookup(request, selectors.lead_get, rule=permissions.WORK, public_id=lead_id)
    data = payload.model_dump()
    services.lead_convert(actor=request.user, lead=lead, **data)
    return _detail(lead)


# --- rules and capacities


def _rule_data(request, payload, *, partial: bool) -> dict:
    data = payload.model_dump(exclude_unset=partial)
    if data.get("named_partner") is not None:
        data["named_partner"] = selectors.partner_for_leads(
            user=request.user, partner_id=data["named_partner"]
        )
    return data


@router.list(
    "/lead-rules",
    response=LeadRuleOut,
    summary="List lead routing rules",
)
def rule_list(request):
    return selectors.rule_list(user=request.user)


@router.post(
    "/lead-rules",
    response={201: LeadRuleOut},
    summary="Create a lead routing rule",
)
def rule_create(request, payload: LeadRuleIn):
    permissions.MANAGE.ensure(request.user)
    rule = services.rule_create(
        actor=request.user, data=_rule_data(request, payload, partial=False)
    )
    return Status(201, rule)


@router.get(
    "/lead-rules/{rule_id}",
    response=LeadRuleOut,
    summary="Get a routing rule",
)
def rule_get(request, rule_id: UUID):
    return selectors.rule_get(user=request.user, public_id=rule_id)


@router.patch(
    "/lead-rules/{rule_id}",
    response=LeadRuleOut,
    summary="Edit a routing rule",
)
def rule_update(request, rule_id: UUID, payload: LeadRulePatch):
    rule = lookup(
        request, selectors.rule_get, rule=permissions.MANAGE, public_id=rule_id
    )
    return services.rule_update(
        actor=request.user, rule=rule, data=_rule_data(request, payload, partial=True)
    )


@router.delete(
    "/lead-rules/{rule_id}",
    response={204: None},
    summary="Delete a routing rule",
)
def rule_delete(request, rule_id: UUID):
    rule = lookup(
        request, selectors.rule_get, rule=permissions.MANAGE, public_id=rule_id
    )
    services.rule_delete(actor=request.user, rule=rule)
    return Status(204, None)


@router.list(
    "/lead-capacities",
    response=CapacityOut,
    summary="Partners' open leads against capacity, and their acceptance record",
)
def capacity_list(request):
    """The partners that hold open leads, have answered offers or have a capacity
    set, by name; paged (it grows with the partners)."""
    return Page(selectors.capacity_partners(user=request.user), selectors.capacity_rows)


@router.put(
    "/lead-capacities/{partner_id}",
    response=CapacityOut,
    summary="Set a partner's capacity (maximum open leads)",
)
def capacity_set(request, partner_id: int, payload: CapacityIn):
    permissions.MANAGE.ensure(request.user)
    partner = selectors.partner_for_leads(user=request.user, partner_id=partner_id)
    services.capacity_set(
        actor=request.user, partner=partner, max_open_leads=payload.max_open_leads
    )
    return selectors.capacity_row(partner=partner)
