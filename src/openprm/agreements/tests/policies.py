"""Access policies of agreements.

Documents and versions: read by vendor staff, written by vendor admins. Acceptances
belong to a partner: vendor staff within their scope and the partner's users (and the
distributor above) read them; only the partner's own admin accepts.
"""

from openprm.agreements import permissions
from openprm.agreements.tests.factories import (
    AgreementAcceptanceFactory,
    AgreementDocumentFactory,
    AgreementVersionFactory,
)
from openprm.journeys.tests.factories import JourneyFactory
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    VENDOR_ACTORS,
    Policy,
    owned,
    partner_area,
    signed_in,
    vendor,
)

ADMIN = vendor(rule=permissions.PUBLISH)
STAFF = vendor(rule=permissions.READ_TERMS)
ALL_VENDOR = list(VENDOR_ACTORS.values())
ALL_PARTNER = list(OWNER_ACTORS.values())
READERS = owned(partner_roles=ALL_PARTNER, vendor_roles=ALL_VENDOR)


def _signed_out(actor: str) -> bool:
    return actor in (*SIGNED_OUT_ACTORS, "revoked_token")


def console_scoped(actor: str):
    """A console page of a partner's record: vendor staff in scope (the unassigned
    channel manager gets 404); partner users 403."""
    if _signed_out(actor):
        return LOGIN
    if actor == "channel_manager":
        return HIDE
    return ALLOW if actor in VENDOR_ACTORS else FORBID


def portal_own(actor: str):
    """A portal page of world.owner's own object: its users; the distributor and
    another partner (working for their own organisation) get 404; staff 403."""
    if _signed_out(actor):
        return LOGIN
    if actor in OWNER_ACTORS:
        return ALLOW
    return HIDE if actor in ("other_partner_admin", "distributor_admin") else FORBID


def portal_readable(actor: str):
    """A portal record of world.owner: its users and the distributor above."""
    if _signed_out(actor):
        return LOGIN
    if actor in OWNER_ACTORS or actor == "distributor_admin":
        return ALLOW
    return HIDE if actor == "other_partner_admin" else FORBID


def acceptor(actor: str):
    """Accepting for world.owner: its partner admin only; staff and the distributor
    who can see it 403; whoever cannot see it 404."""
    if _signed_out(actor):
        return LOGIN
    if actor == "owner_partner_admin":
        return ALLOW
    return HIDE if actor in ("channel_manager", "other_partner_admin") else FORBID


def bound_version(world):
    programme = ProgrammeFactory()
    JourneyFactory(partner=world.owner, programme=programme)
    return AgreementVersionFactory(document__programme=programme)


def acceptance(world):
    return AgreementAcceptanceFactory(partner=world.owner)


def public_kwargs(obj):
    return {"public_id": obj.public_id}


def document_kwargs(obj):
    return {"document_id": obj.public_id}


def acceptance_kwargs(obj):
    return {"acceptance_id": obj.public_id}


API = "api:{method} /api/v1{path}"

POLICIES = [
    Policy("web:console:agreements", STAFF),
    Policy(
        "web:console:agreement_create",
        ADMIN,
        method="POST",
        make=lambda world: ProgrammeFactory(),
        data=lambda obj: {"programme": str(obj.public_id), "title": "Terms"},
    ),
    Policy(
        "web:console:agreement_detail",
        STAFF,
        make=lambda world: AgreementVersionFactory().document,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:agreement_publish",
        ADMIN,
        method="POST",
        make=lambda world: AgreementDocumentFactory(),
        kwargs=public_kwargs,
        data=lambda obj: {"text": "New terms", "accept_by": ""},
    ),
    Policy(
        "web:console:agreement_acceptance",
        console_scoped,
        make=acceptance,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:console:agreement_acceptance_pdf",
        console_scoped,
        make=acceptance,
        kwargs=public_kwargs,
    ),
    Policy("web:portal:agreements", partner_area()),
    Policy(
        "web:portal:agreement_accept",
        portal_own,
        make=bound_version,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:agreement_acceptance",
        portal_readable,
        make=acceptance,
        kwargs=public_kwargs,
    ),
    Policy(
        "web:portal:agreement_acceptance_pdf",
        portal_readable,
        make=acceptance,
        kwargs=public_kwargs,
    ),
    Policy(API.format(method="GET", path="/agreements"), STAFF),
    Policy(
        API.format(method="POST", path="/agreements"),
        ADMIN,
        make=lambda world: ProgrammeFactory(),
        data=lambda obj: {"programme": str(obj.public_id), "title": "Terms"},
    ),
    Policy(
        API.format(method="GET", path="/agreements/{document_id}"),
        STAFF,
        make=lambda world: AgreementDocumentFactory(),
        kwargs=document_kwargs,
    ),
    Policy(
        API.format(method="POST", path="/agreements/{document_id}/versions"),
        ADMIN,
        make=lambda world: AgreementDocumentFactory(),
        kwargs=document_kwargs,
        data=lambda obj: {"text": "New terms"},
    ),
    Policy(API.format(method="GET", path="/agreement-acceptances"), signed_in()),
    Policy(
        API.format(method="POST", path="/agreement-acceptances"),
        acceptor,
        make=lambda world: (world.owner, bound_version(world)),
        data=lambda obj: {
            "partner": obj[0].pk,
            "version": str(obj[1].public_id),
            "name": "Ada",
            "title": "CEO",
        },
    ),
    Policy(
        API.format(method="GET", path="/agreement-acceptances/{acceptance_id}"),
        READERS,
        make=acceptance,
        kwargs=acceptance_kwargs,
    ),
    Policy(
        API.format(method="GET", path="/agreement-acceptances/{acceptance_id}/pdf"),
        READERS,
        make=acceptance,
        kwargs=acceptance_kwargs,
    ),
]
