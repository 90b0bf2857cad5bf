"""REST endpoints of certifications: the catalogue and accreditations (vendor
staff), held certifications and their certificates (vendor staff in scope; a
partner admin their organisation's; other partner users their own), external
certificates (uploaded by partner users, reviewed by vendor staff), and the
expiring report.

A partner user reads for one of their organisations: ``?partner=`` (default the
first by name), as the portal's switcher does.
"""

from datetime import date, datetime
from uuid import UUID

from ninja import File, Form, Query, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from openprm.certifications import permissions, selectors, services
from openprm.certifications.choices import EarningKind, HolderStatus, ReviewStatus
from openprm.certifications.models import (
    Accreditation,
    AccreditationCondition,
    Certification,
    ExternalCertificate,
)
from openprm.certifications.pdf import certificate_response
from openprm.core.api import (
    ApiRouter,
    Page,
    ReaderQuery,
    ReasonIn,
    StrictSchema,
    lookup,
)
from openprm.core.errors import ValidationFailed
from openprm.segments.audiences import audience_reader
from openprm.segments.models import Audience
from openprm.tenancy.selectors import membership_read_for

router = ApiRouter(tags=["certifications"])

OPTIONAL_FILE = File(None)


# --- schemas


class CertificationOut(Schema):
    id: UUID
    name: str
    description: str
    product_line: str
    role: str
    validity_months: int
    kind: str
    source_id: UUID | None
    renewal_source_id: UUID | None
    audience: UUID
    is_active: bool

    @staticmethod
    def resolve_id(obj: Certification) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_audience(obj: Certification) -> UUID:
        return obj.audience.public_id


class CertificationIn(StrictSchema):
    class Meta:
        model = Certification

    name: str
    kind: EarningKind
    validity_months: int
    audience: UUID
    description: str = ""
    product_line: str = ""
    role: str = ""
    source_id: UUID | None = None
    renewal_source_id: UUID | None = None
    is_active: bool = True


class CertificationPatch(StrictSchema):
    class Meta:
        model = Certification

    name: str | None = None
    kind: EarningKind | None = None
    validity_months: int | None = None
    audience: UUID | None = None
    description: str | None = None
    product_line: str | None = None
    role: str | None = None
    source_id: UUID | None = None
    renewal_source_id: UUID | None = None
    is_active: bool | None = None


class HeldOut(Schema):
    id: UUID
    certification: UUID
    certification_name: str
    user_id: int
    user_email: str
    partner_id: int
    status: str
    is_current: bool
    earned_at: datetime
    valid_until: datetime
    source: str
    verification_code: str

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_certification(obj) -> UUID:
        return obj.certification.public_id

    @staticmethod
    def resolve_certification_name(obj) -> str:
        return obj.certification.name

    @staticmethod
    def resolve_user_email(obj) -> str:
        return obj.user.email

    @staticmethod
    def resolve_is_current(obj) -> bool:
        return selectors.is_current(obj)


class HeldFilters(ReaderQuery):
    status: HolderStatus | None = None
    certification: UUID | None = None


class ExpiringFilters(StrictSchema):
    within_days: int = Field(60, ge=1, le=366)


class ExternalOut(Schema):
    id: UUID
    certification: UUID
    certification_name: str
    user_id: int
    partner_id: int
    issuer: str
    credential_id: str
    issued_on: date
    evidence_name: str
    evidence_type: str
    evidence_size: int
    status: str
    reason: str
    reviewed_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_certification(obj) -> UUID:
        return obj.certification.public_id

    @staticmethod
    def resolve_certification_name(obj) -> str:
        return obj.certification.name


class ExternalIn(Schema):
    """The fields of an external certificate, sent as a multipart form with its
    ``evidence`` file."""

    certification: UUID
    issuer: str = Field(max_length=200)
    credential_id: str = Field("", max_length=200)
    issued_on: date
    partner: int | None = None


class ExternalFilters(StrictSchema):
    status: ReviewStatus | None = None


class ConditionIO(StrictSchema):
    class Meta:
        model = AccreditationCondition

    count: int = Field(ge=1, le=1000)
    certification: UUID | None = None
    product_line: str = ""
    role: str = ""


class AccreditationOut(Schema):
    id: UUID
    name: str
    description: str
    is_active: bool
    conditions: list[ConditionIO]

    @staticmethod
    def resolve_id(obj) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_conditions(obj) -> list[dict]:
        return [
            {
                "count": condition.count,
                "certification": condition.certification.public_id
                if condition.certification_id
                else None,
                "product_line": condition.product_line,
                "role": condition.role,
            }
            for condition in obj.conditions.all()
        ]


class AccreditationIn(StrictSchema):
    class Meta:
        model = Accreditation

    name: str
    description: str = ""
    is_active: bool = True
    conditions: list[ConditionIO]


class ConditionStatusOut(Schema):
    label: str
    have: int
    need: int
    missing: int


class PartnerAccreditationOut(Schema):
    accreditation: UUID
    name: str
    is_held: bool
    gained_at: datetime | None
    is_close: bool
    missing: int
    conditions: list[ConditionStatusOut]


# --- helpers


def _audience(value: UUID | None) -> Audience | None:
    if value is None:
        return None
    found = Audience.objects.filter(public_id=value).first()
    if found is None:
        raise ValidationFailed(field_errors={"audience": ["No audience has this id."]})
    return found


def _certification_field(value: UUID | None, field: str) -> Certification | None:
    if value is None:
        return None
    found = Certification.objects.filter(public_id=value).first()
    if found is None:
        raise ValidationFailed(field_errors={field: ["No certification has this id."]})
    return found


def _reader_partner_id(request, partner: int | None) -> int | None:
    """The organisation a partner user reads for; None for vendor staff."""
    if request.user.is_vendor_staff:
        return None
    return membership_read_for(user=request.user, partner_id=partner).partner_id


def _conditions(conditions: list[ConditionIO]) -> list[dict]:
    return [
        {
            "count": condition.count,
            "certification": _certification_field(
                condition.certification, "conditions"
            ),
            "product_line": condition.product_line,
            "role": condition.role,
        }
        for condition in conditions
    ]


# --- the catalogue


@router.list(
    "/certifications", response=CertificationOut, summary="List certifications"
)
def certification_list(request):
    return selectors.certification_list(user=request.user)


@router.post(
    "/certifications",
    response={201: CertificationOut},
    summary="Create a certification (channel managers, vendor admins)",
)
def certification_create(request, payload: CertificationIn):
    permissions.MANAGE.ensure(request.user)
    values = payload.model_dump()
    values["audience"] = _audience(payload.audience)
    certification = services.certification_create(actor=request.user, **values)
    return Status(201, certification)


@router.get(
    "/certifications/{certification_id}",
    response=CertificationOut,
    summary="Read a certification",
)
def certification_get(request, certification_id: UUID):
    return lookup(
        request,
        selectors.certification_get,
        rule=permissions.READ,
        public_id=certification_id,
    )


@router.patch(
    "/certifications/{certification_id}",
    response=CertificationOut,
    summary="Change a certification (channel managers, vendor admins)",
)
def certification_update(request, certification_id: UUID, payload: CertificationPatch):
    permissions.MANAGE.ensure(request.user)
    certification = selectors.certification_get(
        user=request.user, public_id=certification_id
    )
    changes = payload.model_dump(exclude_unset=True)
    if "audience" in changes:
        changes["audience"] = _audience(changes["audience"])
    return services.certification_update(
        actor=request.user, certification=certification, **changes
    )


# --- held certifications


@router.list(
    "/user-certifications",
    response=HeldOut,
    summary="List held certifications (vendor staff in scope; a partner admin "
    "their organisation's; other partner users their own)",
)
def held_list(request, filters: Query[HeldFilters]):
    rows = selectors.held_visible_to(
        user=request.user, partner_id=_reader_partner_id(request, filters.partner)
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.certification:
        rows = rows.filter(certification__public_id=filters.certification)
    return rows


@router.list(
    "/user-certifications/expiring",
    response=HeldOut,
    summary="Active certifications ending within `within_days` (vendor staff)",
)
def held_expiring(request, filters: Query[ExpiringFilters]):
    return selectors.expiring(user=request.user, within_days=filters.within_days)


class ExpiringByPartnerOut(Schema):
    partner: UUID
    name: str
    expiring: int = Field(description="Ending within within_days (or ended, unswept)")
    within_30_days: int
    people: int


@router.list(
    "/user-certifications/expiring/by-partner",
    response=ExpiringByPartnerOut,
    summary="Certifications ending within `within_days`, counted by partner, "
    "most first (vendor staff)",
)
def held_expiring_by_partner(request, filters: Query[ExpiringFilters]):
    """Paged (it grows with the partners); `count` counts the partners."""
    return Page(
        selectors.expiring_groups(user=request.user, within_days=filters.within_days),
        _expiring_group_out,
        counted=selectors.expiring_partners(
            user=request.user, within_days=filters.within_days
        ),
    )


def _expiring_group_out(groups) -> list[dict]:
    return [
        {
            "partner": row["public_id"],
            "name": row["label"],
            "expiring": row["expiring"],
            "within_30_days": row["within_30_days"],
            "people": row["people"],
        }
        for row in selectors.expiring_group_rows(groups)
    ]


def _held(request, held_id: UUID, partner: int | None):
    return selectors.held_get(
        user=request.user,
        public_id=held_id,
        partner_id=_reader_partner_id(request, partner),
    )


@router.get(
    "/user-certifications/{held_id}",
    response=HeldOut,
    summary="Read a held certification",
)
def held_get(request, held_id: UUID, reader: Query[ReaderQuery]):
    return _held(request, held_id, reader.partner)


@router.get(
    "/user-certifications/{held_id}/certificate",
    response={200: None},
    summary="Download the certificate as a PDF (with its verification code)",
)
def held_certificate(request, held_id: UUID, reader: Query[ReaderQuery]):
    return certificate_response(_held(request, held_id, reader.partner))


@router.post(
    "/user-certifications/{held_id}/revoke",
    response=HeldOut,
    summary="Revoke a held certification, saying why (reviewers)",
)
def held_revoke(request, held_id: UUID, payload: ReasonIn):
    permissions.REVIEW.ensure(request.user)
    held = selectors.held_get(user=request.user, public_id=held_id)
    return services.certification_revoke(
        actor=request.user, held=held, reason=payload.reason
    )


# --- external certificates


@router.list(
    "/external-certificates",
    response=ExternalOut,
    summary="List external certificates (vendor staff: in scope; partner users: "
    "their own)",
)
def external_list(request, filters: Query[ExternalFilters]):
    if request.user.is_vendor_staff:
        return selectors.review_queue(user=request.user, status=filters.status or "")
    rows = ExternalCertificate.objects.none()
    if permissions.HOLD.allows(request.user):
        rows = selectors.my_external_all(user=request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows


@router.post(
    "/external-certificates",
    response={201: ExternalOut},
    summary="Upload an external certificate for review: a multipart form with "
    "its `evidence` (partner users)",
    description="The evidence is a PDF, PNG or JPEG of at most 10 MB, checked by "
    "its content; a refusal stores nothing. `partner`: the organisation it "
    "counts for (default the first by name).",
)
def external_submit(
    request, payload: Form[ExternalIn], evidence: UploadedFile | None = OPTIONAL_FILE
):
    permissions.HOLD.ensure(request.user)
    membership = membership_read_for(user=request.user, partner_id=payload.partner)
    allowed = selectors.external_certifications_for(
        reader=audience_reader(membership=membership)
    )
    external = services.external_certificate_submit(
        actor=request.user,
        partner_id=membership.partner_id,
        certification=allowed.filter(public_id=payload.certification).first(),
        issuer=payload.issuer,
        credential_id=payload.credential_id,
        issued_on=payload.issued_on,
        evidence=evidence,
    )
    return Status(201, external)


@router.get(
    "/external-certificates/{external_id}",
    response=ExternalOut,
    summary="Read an external certificate",
)
def external_get(request, external_id: UUID):
    return lookup(request, selectors.external_get, public_id=external_id)


@router.post(
    "/external-certificates/{external_id}/approve",
    response=HeldOut,
    summary="Approve an external certificate: the certification is awarded (reviewers)",
)
def external_approve(request, external_id: UUID):
    permissions.REVIEW.ensure(request.user)
    external = selectors.external_get(user=request.user, public_id=external_id)
    return services.external_certificate_approve(actor=request.user, external=external)


@router.post(
    "/external-certificates/{external_id}/reject",
    response=ExternalOut,
    summary="Reject an external certificate, saying why (reviewers)",
)
def external_reject(request, external_id: UUID, payload: ReasonIn):
    permissions.REVIEW.ensure(request.user)
    external = selectors.external_get(user=request.user, public_id=external_id)
    return services.external_certificate_reject(
        actor=request.user, external=external, reason=payload.reason
    )


# --- accreditations


@router.list(
    "/accreditations", response=AccreditationOut, summary="List accreditations"
)
def accreditation_list(request):
    return selectors.accreditation_list(user=request.user)


@router.post(
    "/accreditations",
    response={201: AccreditationOut},
    summary="Create an accreditation with its conditions (channel managers, "
    "vendor admins); partners are evaluated at once",
)
def accreditation_create(request, payload: AccreditationIn):
    permissions.MANAGE.ensure(request.user)
    accreditation = services.accreditation_create(
        actor=request.user,
        name=payload.name,
        description=payload.description,
        conditions=_conditions(payload.conditions),
    )
    return Status(
        201,
        selectors.accreditation_get(
            user=request.user, public_id=accreditation.public_id
        ),
    )


@router.get(
    "/accreditations/{accreditation_id}",
    response=AccreditationOut,
    summary="Read an accreditation",
)
def accreditation_get(request, accreditation_id: UUID):
    return lookup(
        request,
        selectors.accreditation_get,
        rule=permissions.READ,
        public_id=accreditation_id,
    )


@router.put(
    "/accreditations/{accreditation_id}",
    response=AccreditationOut,
    summary="Replace an accreditation and its conditions (channel managers, "
    "vendor admins); partners are evaluated again",
)
def accreditation_update(request, accreditation_id: UUID, payload: AccreditationIn):
    permissions.MANAGE.ensure(request.user)
    accreditation = selectors.accreditation_get(
        user=request.user, public_id=accreditation_id
    )
    services.accreditation_update(
        actor=request.user,
        accreditation=accreditation,
        name=payload.name,
        description=payload.description,
        is_active=payload.is_active,
        conditions=_conditions(payload.conditions),
    )
    return selectors.accreditation_get(user=request.user, public_id=accreditation_id)


@router.get(
    "/partners/{public_id}/accreditations",
    response=list[PartnerAccreditationOut],
    summary="A partner's accreditations: held or not, and what is missing",
)
def partner_accreditations(request, public_id: UUID):
    """A list, not paged: one row per accreditation the vendor defines."""
    partner = selectors.partner_for_accreditations(
        user=request.user, public_id=public_id
    )
    return [
        {
            "accreditation": row["accreditation"].public_id,
            "name": row["accreditation"].name,
            "is_held": row["held"] is not None,
            "gained_at": row["held"].gained_at if row["held"] else None,
            "is_close": row["is_close"],
            "missing": row["missing"],
            "conditions": row["conditions"],
        }
        for row in selectors.partner_accreditations(partner_id=partner.pk)
    ]
