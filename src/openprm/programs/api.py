"""REST endpoints of programmes, tiers and enrolments.

Programmes carry their tiers, and each tier its requirements and benefits (nested in
the responses); tiers, requirements and benefits are written under their programme's
path. Enrolments are a flat, scoped collection.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.core.api import ApiRouter, StrictSchema, as_uuid, lookup
from openprm.core.errors import NotFound, ValidationFailed
from openprm.programs import permissions, selectors, services
from openprm.programs.choices import BenefitKind, EnrolmentStatus, Operator
from openprm.programs.models import (
    Enrolment,
    Programme,
    Tier,
    TierBenefit,
    TierChange,
    TierRequirement,
)

router = ApiRouter(tags=["programmes"])


# --- schemas


class ProgrammeIn(StrictSchema):
    class Meta:
        model = Programme

    name: str
    slug: str
    eligible_partner_types: list[str]
    description: str = ""
    is_active: bool = True


class ProgrammePatch(StrictSchema):
    class Meta:
        model = Programme

    name: str | None = None
    slug: str | None = None
    eligible_partner_types: list[str] | None = None
    description: str | None = None
    is_active: bool | None = None


class TierIn(StrictSchema):
    class Meta:
        model = Tier

    name: str
    rank: int
    description: str = ""


class TierPatch(StrictSchema):
    class Meta:
        model = Tier

    name: str | None = None
    rank: int | None = None
    description: str | None = None


class RequirementIn(StrictSchema):
    class Meta:
        model = TierRequirement

    metric: str
    operator: Operator = Operator.AT_LEAST
    threshold: Decimal


class BenefitIn(StrictSchema):
    class Meta:
        model = TierBenefit

    kind: BenefitKind
    value: Any


class EnrolIn(StrictSchema):
    partner: int
    programme: UUID
    tier: int
    reason: str = ""


class ChangeTierIn(StrictSchema):
    tier: int
    reason: str


class EndIn(StrictSchema):
    reason: str = ""


class ThresholdIn(StrictSchema):
    class Meta:
        model = TierRequirement

    threshold: Decimal


class RequirementOut(Schema):
    id: int
    metric: str
    metric_label: str
    metric_available: bool
    operator: str
    threshold: Decimal

    @staticmethod
    def resolve_metric_label(obj) -> str:
        return str(obj.metric_info.label) if obj.metric_info else obj.metric

    @staticmethod
    def resolve_metric_available(obj) -> bool:
        return bool(obj.metric_info and obj.metric_info.available)


class BenefitOut(Schema):
    id: int
    kind: str
    value: Any


class TierOut(Schema):
    id: int
    name: str
    rank: int
    description: str
    requirements: list[RequirementOut]
    benefits: list[BenefitOut]

    @staticmethod
    def resolve_requirements(obj: Tier) -> list:
        return list(obj.requirements.all())

    @staticmethod
    def resolve_benefits(obj: Tier) -> list:
        return list(obj.benefits.all())


class ProgrammeOut(Schema):
    id: UUID
    name: str
    slug: str
    description: str
    eligible_partner_types: list[str]
    is_active: bool
    tiers: list[TierOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Programme) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_tiers(obj: Programme) -> list:
        return list(obj.tiers.all())


class TierRef(Schema):
    id: int
    name: str
    rank: int


class EnrolmentOut(Schema):
    id: UUID
    partner: int
    partner_name: str
    programme: UUID
    programme_name: str
    tier: TierRef
    status: EnrolmentStatus
    enrolled_at: datetime
    ended_at: datetime | None

    @staticmethod
    def resolve_id(obj: Enrolment) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: Enrolment) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: Enrolment) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_programme(obj: Enrolment) -> UUID:
        return obj.programme.public_id

    @staticmethod
    def resolve_programme_name(obj: Enrolment) -> str:
        return obj.programme.name


class TierChangeOut(Schema):
    id: int
    enrolment: UUID
    from_tier: TierRef | None
    to_tier: TierRef
    changed_by: str | None
    reason: str
    changed_at: datetime

    @staticmethod
    def resolve_enrolment(obj: TierChange) -> UUID:
        return obj.enrolment.public_id

    @staticmethod
    def resolve_changed_by(obj: TierChange) -> str | None:
        return obj.changed_by.email if obj.changed_by else None


# --- lookups


def _programme(request, programme_id: str) -> Programme:
    return selectors.programme_get(user=request.user, public_id=as_uuid(programme_id))


def _definable_programme(request, programme_id: str) -> Programme:
    """A programme to change: 403 for anyone but a vendor admin, before any lookup."""
    return lookup(
        request,
        selectors.programme_get,
        rule=permissions.DEFINE,
        public_id=as_uuid(programme_id),
    )


def _definable_tier(request, programme_id: str, tier_id: int) -> Tier:
    programme = _definable_programme(request, programme_id)
    return selectors.tier_get(programme=programme, tier_id=tier_id)


def _enrolment(request, enrolment_id: str) -> Enrolment:
    return selectors.enrolment_get(user=request.user, public_id=as_uuid(enrolment_id))


def _managed_enrolment(request, enrolment_id: str) -> Enrolment:
    """403 for the wrong role before the lookup; 404 out of scope."""
    return lookup(
        request,
        selectors.enrolment_get,
        rule=permissions.MANAGE_ENROLMENTS,
        public_id=as_uuid(enrolment_id),
    )


# --- programmes


@router.list("/programmes", response=ProgrammeOut, summary="List programmes")
def programme_list(request):
    """By name. Vendor staff see every programme; partner users those their
    organisation is actively enrolled in."""
    return selectors.programme_list_visible_to(user=request.user).prefetch_related(
        selectors.tiers_prefetch()
    )


@router.post(
    "/programmes",
    response={201: ProgrammeOut},
    summary="Create a programme",
)
def programme_create(request, payload: ProgrammeIn):
    programme = services.programme_create(actor=request.user, **payload.model_dump())
    return Status(201, _programme(request, str(programme.public_id)))


@router.get(
    "/programmes/{programme_id}",
    response=ProgrammeOut,
    summary="Get a programme with its tiers, requirements and benefits",
)
def programme_get(request, programme_id: str):
    return _programme(request, programme_id)


@router.patch(
    "/programmes/{programme_id}",
    response=ProgrammeOut,
    summary="Change a programme",
)
def programme_update(request, programme_id: str, payload: ProgrammePatch):
    """Only the fields sent change. Programmes are deactivated, not deleted."""
    programme = services.programme_update(
        actor=request.user,
        programme=_definable_programme(request, programme_id),
        **payload.model_dump(exclude_unset=True),
    )
    return _programme(request, str(programme.public_id))


# --- tiers, requirements, benefits


@router.post(
    "/programmes/{programme_id}/tiers",
    response={201: TierOut},
    summary="Add a tier to a programme",
)
def tier_create(request, programme_id: str, payload: TierIn):
    tier = services.tier_create(
        actor=request.user,
        programme=_definable_programme(request, programme_id),
        **payload.model_dump(),
    )
    return Status(201, tier)


@router.patch(
    "/programmes/{programme_id}/tiers/{tier_id}",
    response=TierOut,
    summary="Change a tier",
)
def tier_update(request, programme_id: str, tier_id: int, payload: TierPatch):
    return services.tier_update(
        actor=request.user,
        tier=_definable_tier(request, programme_id, tier_id),
        **payload.model_dump(exclude_unset=True),
    )


@router.post(
    "/programmes/{programme_id}/tiers/{tier_id}/requirements",
    response={201: RequirementOut},
    summary="Add a requirement to a tier",
)
def tier_requirement_create(
    request, programme_id: str, tier_id: int, payload: RequirementIn
):
    """``metric`` is a code of the metric catalogue (see docs/programs.md)."""
    requirement = services.tier_requirement_create(
        actor=request.user,
        tier=_definable_tier(request, programme_id, tier_id),
        **payload.model_dump(),
    )
    return Status(201, requirement)


@router.patch(
    "/programmes/{programme_id}/tiers/{tier_id}/requirements/{requirement_id}",
    response=RequirementOut,
    summary="Change a requirement's threshold (try it first with a simulation)",
)
def tier_requirement_update(
    request, programme_id: str, tier_id: int, requirement_id: int, payload: ThresholdIn
):
    tier = _definable_tier(request, programme_id, tier_id)
    requirement = selectors.tier_requirement_get(
        tier=tier, requirement_id=requirement_id
    )
    services.tier_requirement_thresholds_set(
        actor=request.user, tier=tier, thresholds={requirement.pk: payload.threshold}
    )
    requirement.refresh_from_db()
    return requirement


@router.delete(
    "/programmes/{programme_id}/tiers/{tier_id}/requirements/{requirement_id}",
    response={204: None},
    summary="Remove a requirement from a tier",
)
def tier_requirement_delete(
    request, programme_id: str, tier_id: int, requirement_id: int
):
    tier = _definable_tier(request, programme_id, tier_id)
    services.tier_requirement_delete(
        actor=request.user,
        requirement=selectors.tier_requirement_get(
            tier=tier, requirement_id=requirement_id
        ),
    )
    return Status(204, None)


@router.put(
    "/programmes/{programme_id}/tiers/{tier_id}/benefits",
    response=BenefitOut,
    summary="Give a tier a benefit (or change the value of that kind)",
)
def tier_benefit_set(request, programme_id: str, tier_id: int, payload: BenefitIn):
    """One benefit per kind and tier. ``value`` by kind: ``discount_percent`` a
    number 0-100, ``deal_protection_days`` whole days, ``fund_eligible`` a boolean,
    ``points_multiplier`` a number above 0, ``content_access`` text."""
    return services.tier_benefit_set(
        actor=request.user,
        tier=_definable_tier(request, programme_id, tier_id),
        **payload.model_dump(),
    )


@router.delete(
    "/programmes/{programme_id}/tiers/{tier_id}/benefits/{benefit_id}",
    response={204: None},
    summary="Remove a benefit from a tier",
)
def tier_benefit_delete(request, programme_id: str, tier_id: int, benefit_id: int):
    tier = _definable_tier(request, programme_id, tier_id)
    services.tier_benefit_delete(
        actor=request.user,
        benefit=selectors.tier_benefit_get(tier=tier, benefit_id=benefit_id),
    )
    return Status(204, None)


# --- enrolments


@router.list("/enrolments", response=EnrolmentOut, summary="List enrolments")
def enrolment_list(
    request,
    programme: str | None = None,
    partner: int | None = None,
    status: EnrolmentStatus | None = None,
):
    """Newest first, within the caller's partner scope. Filter by ``programme`` (its
    id), ``partner`` and ``status``."""
    return selectors.enrolment_list_visible_to(
        user=request.user,
        programme=_programme(request, programme) if programme else None,
        partner_id=partner,
        status=status or "",
    )


@router.post(
    "/enrolments",
    response={201: EnrolmentOut},
    summary="Enrol a partner in a programme",
)
def enrolment_create(request, payload: EnrolIn):
    """Vendor admins, and channel managers for their partners. The partner's type
    must be eligible (422); one active enrolment per programme (409)."""
    partner = selectors.partner_for_enrolment(
        user=request.user, partner_id=payload.partner
    )
    programme = _programme(request, str(payload.programme))
    enrolment = services.enrolment_create(
        actor=request.user,
        partner=partner,
        programme=programme,
        tier=_tier_field(programme, payload.tier),
        reason=payload.reason,
    )
    return Status(201, enrolment)


def _tier_field(programme: Programme, tier_id: int) -> Tier:
    """A tier named in a body: one of another programme is a 422 on ``tier``."""
    try:
        return selectors.tier_get(programme=programme, tier_id=tier_id)
    except NotFound:
        raise ValidationFailed(
            field_errors={"tier": ["Not a tier of this programme."]}
        ) from None


@router.get(
    "/enrolments/{enrolment_id}",
    response=EnrolmentOut,
    summary="Get an enrolment",
)
def enrolment_get(request, enrolment_id: str):
    return _enrolment(request, enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/change-tier",
    response=EnrolmentOut,
    summary="Move an enrolment to another tier",
)
def enrolment_change_tier(request, enrolment_id: str, payload: ChangeTierIn):
    """``reason`` is required and kept in the tier history."""
    enrolment = _managed_enrolment(request, enrolment_id)
    return services.enrolment_change_tier(
        actor=request.user,
        enrolment=enrolment,
        tier=_tier_field(enrolment.programme, payload.tier),
        reason=payload.reason,
    )


@router.post(
    "/enrolments/{enrolment_id}/end",
    response=EnrolmentOut,
    summary="End an enrolment",
)
def enrolment_end(request, enrolment_id: str, payload: EndIn):
    return services.enrolment_end(
        actor=request.user,
        enrolment=_managed_enrolment(request, enrolment_id),
        reason=payload.reason,
    )


@router.list(
    "/enrolments/{enrolment_id}/tier-changes",
    response=TierChangeOut,
    summary="List an enrolment's tier history",
)
def tier_change_list(request, enrolment_id: str):
    """Newest first; the first step (no ``from_tier``) is the enrolment itself."""
    return selectors.tier_change_list(enrolment=_enrolment(request, enrolment_id))
