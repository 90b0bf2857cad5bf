"""REST endpoints of agreements: documents and their versions (vendor admins write),
acceptances (a partner admin accepts for their own organisation) and each
acceptance's record as PDF."""

from datetime import datetime
from uuid import UUID

from ninja import Schema
from ninja.responses import Status

from openprm.agreements import permissions, selectors, services
from openprm.agreements.models import (
    AgreementAcceptance,
    AgreementDocument,
    AgreementVersion,
)
from openprm.agreements.pdf import acceptance_pdf_response
from openprm.core.api import ApiRouter, StrictSchema, lookup
from openprm.programs.selectors import programme_get

router = ApiRouter(tags=["agreements"])


class DocumentIn(StrictSchema):
    class Meta:
        model = AgreementDocument

    programme: UUID
    title: str


class VersionIn(StrictSchema):
    text: str
    accept_by: datetime | None = None


class AcceptIn(StrictSchema):
    class Meta:
        model = AgreementAcceptance

    partner: int
    version: UUID
    name: str
    title: str
    text_sha256: str = ""


class VersionOut(Schema):
    id: UUID
    number: int
    text: str
    text_sha256: str
    published_at: datetime
    accept_by: datetime | None

    @staticmethod
    def resolve_id(obj: AgreementVersion) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_text_sha256(obj: AgreementVersion) -> str:
        return services.text_hash(obj.text)


class DocumentOut(Schema):
    id: UUID
    programme: UUID
    title: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_id(obj: AgreementDocument) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_programme(obj: AgreementDocument) -> UUID:
        return obj.programme.public_id

    @staticmethod
    def resolve_versions(obj: AgreementDocument) -> list:
        return sorted(obj.versions.all(), key=lambda item: -item.number)


class AcceptanceOut(Schema):
    id: UUID
    partner: int
    partner_name: str
    agreement: str
    version: UUID
    number: int
    name: str
    title: str
    user_email: str
    accepted_at: datetime
    client_ip: str | None
    user_agent: str
    text_sha256: str

    @staticmethod
    def resolve_id(obj: AgreementAcceptance) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_partner(obj: AgreementAcceptance) -> int:
        return obj.partner_id

    @staticmethod
    def resolve_partner_name(obj: AgreementAcceptance) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_agreement(obj: AgreementAcceptance) -> str:
        return obj.version.document.title

    @staticmethod
    def resolve_version(obj: AgreementAcceptance) -> UUID:
        return obj.version.public_id

    @staticmethod
    def resolve_number(obj: AgreementAcceptance) -> int:
        return obj.version.number


@router.list(
    "/agreements",
    response=DocumentOut,
    summary="List agreements with their versions (vendor staff)",
)
def agreement_list(request):
    return selectors.documents_list(user=request.user).prefetch_related("versions")


@router.post(
    "/agreements",
    response={201: DocumentOut},
    summary="Give a programme its agreement (vendor admins)",
)
def agreement_create(request, payload: DocumentIn):
    permissions.PUBLISH.ensure(request.user)
    programme = programme_get(user=request.user, public_id=payload.programme)
    document = services.agreement_document_create(
        actor=request.user, programme=programme, title=payload.title
    )
    return Status(
        201, selectors.document_get(user=request.user, public_id=document.public_id)
    )


@router.get(
    "/agreements/{document_id}",
    response=DocumentOut,
    summary="Get an agreement with its versions (vendor staff)",
)
def agreement_get(request, document_id: UUID):
    return selectors.document_get(user=request.user, public_id=document_id)


@router.post(
    "/agreements/{document_id}/versions",
    response={201: VersionOut},
    summary="Publish a new version; partners must accept it by accept_by",
)
def agreement_publish(request, document_id: UUID, payload: VersionIn):
    document = lookup(
        request, selectors.document_get, rule=permissions.PUBLISH, public_id=document_id
    )
    version = services.agreement_version_publish(
        actor=request.user,
        document=document,
        text=payload.text,
        accept_by=payload.accept_by,
    )
    return Status(201, version)


@router.list(
    "/agreement-acceptances",
    response=AcceptanceOut,
    summary="List acceptances within the caller's partner scope",
)
def acceptance_list(request):
    return selectors.acceptances_visible_to(user=request.user)


@router.post(
    "/agreement-acceptances",
    response={201: AcceptanceOut},
    summary="Accept the current version for one's own organisation (partner admins)",
    description="Send `text_sha256` (the hash shown with the version) to prove the "
    "text read is the text accepted; a mismatch is a 422. The client address and "
    "user agent of the request are recorded.",
)
def acceptance_create(request, payload: AcceptIn):
    partner = selectors.partner_get(user=request.user, partner_id=payload.partner)
    version = selectors.version_for_partner(partner=partner, public_id=payload.version)
    acceptance = services.agreement_accept(
        actor=request.user,
        partner=partner,
        version=version,
        name=payload.name,
        title=payload.title,
        text_sha256=payload.text_sha256,
    )
    return Status(
        201, selectors.acceptance_get(user=request.user, public_id=acceptance.public_id)
    )


@router.get(
    "/agreement-acceptances/{acceptance_id}",
    response=AcceptanceOut,
    summary="Get the record of an acceptance",
)
def acceptance_get(request, acceptance_id: UUID):
    return selectors.acceptance_get(user=request.user, public_id=acceptance_id)


@router.get(
    "/agreement-acceptances/{acceptance_id}/pdf",
    response={200: None},
    summary="Download the record of an acceptance as PDF",
)
def acceptance_pdf_get(request, acceptance_id: UUID):
    acceptance = selectors.acceptance_get(user=request.user, public_id=acceptance_id)
    return acceptance_pdf_response(acceptance)
