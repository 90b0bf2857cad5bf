"""Access policies of certifications.

The catalogue, accreditations and reports: every vendor role reads, channel
managers and vendor admins write. Held certifications and external certificates
belong to a person of a partner: vendor staff within their scope, the person
themself and their partner admin (held certifications); another partner, or a
colleague, gets 404. The verification page is public.
"""

import uuid

from django.utils import timezone

from openprm.certifications import permissions
from openprm.certifications.choices import EarningKind
from openprm.certifications.tests.factories import (
    AccreditationConditionFactory,
    CertificationFactory,
    ExternalCertificateFactory,
    UserCertificationFactory,
    learning_path,
)
from openprm.content.tests.factories import AudienceFactory, pdf_upload
from openprm.learning.tests.factories import QuizFactory
from openprm.tenancy.choices import PartnerRole
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    owned,
    partner_area,
    public,
    signed_in,
    vendor,
)

READERS = vendor(rule=permissions.READ)
MANAGERS = vendor(rule=permissions.MANAGE)
ALL_VENDOR = list(VENDOR_ACTORS.values())
# The person's own (owner_sales) and their partner admin's.
HOLDER_OR_ADMIN = owned(
    vendor_roles=ALL_VENDOR,
    partner_roles=[PartnerRole.SALES, PartnerRole.PARTNER_ADMIN],
    distributor=False,
    hidden_role_outcome=HIDE,
)
UPLOADER = owned(
    vendor_roles=ALL_VENDOR,
    partner_roles=[PartnerRole.SALES],
    distributor=False,
    hidden_role_outcome=HIDE,
)


def _signed_out(actor: str) -> bool:
    return actor in (*SIGNED_OUT_ACTORS, "revoked_token")


def console_scoped(actor: str):
    """A console page of a partner's record: vendor staff in scope (the
    unassigned channel manager gets 404); partner users 403."""
    if _signed_out(actor):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    return ALLOW if actor in VENDOR_ACTORS else FORBID


def reviewer_scoped(actor: str):
    """A reviewer's action on a partner's record: vendor admins; the channel
    manager passes the role gate but the record is out of scope (404)."""
    if _signed_out(actor):
        return LOGIN
    if actor == "vendor_admin":
        return ALLOW
    return HIDE if actor == "channel_manager" else FORBID


def portal_own(allowed: set[str]):
    """A portal record of world.owner's person: ``allowed`` owner actors; the
    owner's other users, another partner and the distributor (each working for
    their own organisation) get 404; vendor staff 403."""

    def expect(actor: str):
        if _signed_out(actor):
            return LOGIN
        if actor in VENDOR_ACTORS:
            return FORBID
        return ALLOW if actor in allowed else HIDE

    return expect


def held(world):
    return UserCertificationFactory(
        user=world.users["owner_sales"], partner=world.owner
    )


def external(world):
    return ExternalCertificateFactory(
        user=world.users["owner_sales"], partner=world.owner
    )


def external_choice(world):
    return CertificationFactory(
        kind=EarningKind.EXTERNAL,
        audience=AudienceFactory(),
    )


def accreditation(world):
    return AccreditationConditionFactory().accreditation


def certification_form(certification_or_audience) -> dict:
    audience = getattr(certification_or_audience, "audience", None)
    audience = audience or certification_or_audience
    return {
        "name": f"Matrix {uuid.uuid4().hex[:8]}",
        "kind": "path",
        "source_id": str(learning_path().public_id),
        "validity_months": "12",
        "audience": str(audience.public_id),
        "is_active": "on",
    }


def certification_json(audience) -> dict:
    return {
        "name": f"Matrix {uuid.uuid4().hex[:8]}",
        "kind": "exam",
        "source_id": str(QuizFactory().public_id),
        "validity_months": 12,
        "audience": str(audience.public_id),
    }


def accreditation_form(_obj) -> dict:
    return {
        "name": f"Matrix {uuid.uuid4().hex[:8]}",
        "is_active": "on",
        "count_1": "2",
        "product_line_1": "security",
        "role_1": "technical",
    }


def accreditation_json(_obj) -> dict:
    return {
        "name": f"Matrix {uuid.uuid4().hex[:8]}",
        "conditions": [{"count": 2, "product_line": "security", "role": "technical"}],
    }


def public_kwargs(obj):
    return {"public_id": obj.public_id}


API = "api:{method} /api/v1{path}"

POLICIES = [
    # --- console
    Policy("web:console:certifications", READERS),
    Policy(
        "web:console:certification_create",
        MANAGERS,
        method="POST",
        make=lambda world: AudienceFactory(),
        data=certification_form,
    ),
    Policy(
        "web:console:certification",
        READERS,
        make=lambda world: CertificationFactory(),
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:certification_edit",
        MANAGERS,
        method="POST",
        make=lambda world: CertificationFactory(),
        kwargs=public_kwargs,
        data=certification_form,
    ),
    Policy(
        "web:console:certification_revoke",
        reviewer_scoped,
        method="POST",
        make=held,
        kwargs=public_kwargs,
        data=lambda obj: {"reason": "Fraud"},
    ),
    Policy("web:console:certification_reviews", READERS),
    Policy(
        "web:console:certification_review",
        console_scoped,
        make=external,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:certification_review_evidence",
        console_scoped,
        make=external,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:certification_review_approve",
        reviewer_scoped,
        method="POST",
        make=external,
        kwargs=public_kwargs,
        data=lambda obj: {"reason": ""},
    ),
    Policy(
        "web:console:certification_review_reject",
        reviewer_scoped,
        method="POST",
        make=external,
        kwargs=public_kwargs,
        data=lambda obj: {"reason": "Unreadable"},
    ),
    Policy("web:console:certifications_expiring", READERS),
    Policy("web:console:accreditations", READERS),
    Policy(
        "web:console:accreditation_create",
        MANAGERS,
        method="POST",
        data=accreditation_form,
    ),
    Policy(
        "web:console:accreditation",
        READERS,
        make=accreditation,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:accreditation_edit",
        MANAGERS,
        method="POST",
        make=accreditation,
        kwargs=public_kwargs,
        data=accreditation_form,
    ),
    # --- portal
    Policy("web:portal:certificates", partner_area(rule=permissions.HOLD)),
    Policy("web:portal:certificates_team", partner_area(rule=permissions.TEAM)),
    Policy(
        "web:portal:certificate_upload",
        partner_area(rule=permissions.HOLD),
        method="POST",
        make=external_choice,
        data=lambda obj: {
            "certification": str(obj.public_id),
            "issuer": "ISC2",
            "issued_on": timezone.localdate().isoformat(),
        },
        files=lambda obj: {"evidence": pdf_upload("evidence.pdf")},
    ),
    Policy(
        "web:portal:certificate_pdf",
        portal_own({"owner_sales", "owner_partner_admin"}),
        make=held,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:certificate_evidence",
        portal_own({"owner_sales"}),
        make=external,
        kwargs=public_kwargs,
    ),
    # --- public
    Policy(
        "web:public:certificate_verify",
        public(),
        make=held,
        kwargs=lambda obj: {"code": obj.verification_code},
    ),
    # --- API
    Policy(API.format(method="GET", path="/certifications"), READERS),
    Policy(
        API.format(method="POST", path="/certifications"),
        MANAGERS,
        method="POST",
        make=lambda world: AudienceFactory(),
        data=certification_json,
    ),
    Policy(
        API.format(method="GET", path="/certifications/{certification_id}"),
        READERS,
        make=lambda world: CertificationFactory(),
        kwargs=lambda obj: {"certification_id": obj.public_id},
    ),
    Policy(
        API.format(method="PATCH", path="/certifications/{certification_id}"),
        MANAGERS,
        method="PATCH",
        make=lambda world: CertificationFactory(),
        kwargs=lambda obj: {"certification_id": obj.public_id},
        data=lambda obj: {"validity_months": 36},
    ),
    Policy(API.format(method="GET", path="/user-certifications"), signed_in()),
    Policy(API.format(method="GET", path="/user-certifications/expiring"), READERS),
    Policy(
        API.format(method="GET", path="/user-certifications/expiring/by-partner"),
        READERS,
    ),
    Policy(
        API.format(method="GET", path="/user-certifications/{held_id}"),
        HOLDER_OR_ADMIN,
        make=held,
        kwargs=lambda obj: {"held_id": obj.public_id},
    ),
    Policy(
        API.format(method="GET", path="/user-certifications/{held_id}/certificate"),
        HOLDER_OR_ADMIN,
        make=held,
        kwargs=lambda obj: {"held_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/user-certifications/{held_id}/revoke"),
        reviewer_scoped,
        method="POST",
        make=held,
        kwargs=lambda obj: {"held_id": obj.public_id},
        data=lambda obj: {"reason": "Fraud"},
    ),
    Policy(API.format(method="GET", path="/external-certificates"), signed_in()),
    Policy(
        API.format(method="POST", path="/external-certificates"),
        partner_area(rule=permissions.HOLD),
        method="POST",
        make=external_choice,
        data=lambda obj: {
            "certification": str(obj.public_id),
            "issuer": "ISC2",
            "issued_on": timezone.localdate().isoformat(),
        },
        files=lambda obj: {"evidence": pdf_upload("evidence.pdf")},
    ),
    Policy(
        API.format(method="GET", path="/external-certificates/{external_id}"),
        UPLOADER,
        make=external,
        kwargs=lambda obj: {"external_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/external-certificates/{external_id}/approve"),
        reviewer_scoped,
        method="POST",
        make=external,
        kwargs=lambda obj: {"external_id": obj.public_id},
    ),
    Policy(
        API.format(method="POST", path="/external-certificates/{external_id}/reject"),
        reviewer_scoped,
        method="POST",
        make=external,
        kwargs=lambda obj: {"external_id": obj.public_id},
        data=lambda obj: {"reason": "Unreadable"},
    ),
    Policy(API.format(method="GET", path="/accreditations"), READERS),
    Policy(
        API.format(method="POST", path="/accreditations"),
        MANAGERS,
        method="POST",
        data=accreditation_json,
    ),
    Policy(
        API.format(method="GET", path="/accreditations/{accreditation_id}"),
        READERS,
        make=accreditation,
        kwargs=lambda obj: {"accreditation_id": obj.public_id},
    ),
    Policy(
        API.format(method="PUT", path="/accreditations/{accreditation_id}"),
        MANAGERS,
        method="PUT",
        make=accreditation,
        kwargs=lambda obj: {"accreditation_id": obj.public_id},
        data=accreditation_json,
    ),
    Policy(
        API.format(method="GET", path="/partners/{public_id}/accreditations"),
        owned(
            vendor_roles=ALL_VENDOR,
            partner_roles=list(PartnerRole.values),
            distributor=True,
        ),
        make=lambda world: world.owner,
        kwargs=public_kwargs,
    ),
]
