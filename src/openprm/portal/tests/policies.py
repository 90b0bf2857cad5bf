"""Access policies of the partner portal's pages."""

from django.contrib.sessions.models import Session

from openprm.core.models import AuditEntry
from openprm.programs.tests.factories import ProgrammeFactory
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.web import CURRENT_PARTNER_SESSION_KEY
from openprm.testing.authz import (
    ALLOW,
    FORBID,
    HIDE,
    LOGIN,
    OWNER_ACTORS,
    SIGNED_OUT_ACTORS,
    Outcome,
    Policy,
    gated,
    partner_area,
)


def a_session_works_for(partner) -> bool:
    """Whether a signed-in session now works for ``partner``: switching is a session
    change, not business data, so it writes no audit entry or event."""
    return any(
        session.get_decoded().get(CURRENT_PARTNER_SESSION_KEY) == partner.pk
        for session in Session.objects.all()
    )


def distributor_page(actor: str) -> Outcome:
    """The resellers page: only the distributor's people (world.owner is a
    reseller, world.other a partner without resellers) open it."""
    if actor in SIGNED_OUT_ACTORS:
        return LOGIN
    return ALLOW if actor == "distributor_admin" else FORBID


def distributor_resellers_api(actor: str) -> Outcome:
    """The distributor's resellers in the API: its own people read them; those who
    may read resellers elsewhere (a reseller's admin and seller, another partner's
    admin) do not find the distributor (404); everyone else is refused (403)."""
    if actor in (*SIGNED_OUT_ACTORS, "revoked_token"):
        return LOGIN
    if actor == "distributor_admin":
        return ALLOW
    if actor == "other_partner_admin" or OWNER_ACTORS.get(actor) in (
        PartnerRole.PARTNER_ADMIN,
        PartnerRole.SALES,
    ):
        return HIDE
    return FORBID


def an_invitation_was_audited(programme) -> bool:
    return AuditEntry.objects.filter(verb="reseller.invited").exists()


POLICIES = [
    Policy("web:portal:resellers", distributor_page),
    # Inviting a reseller to apply: the distributor's admins only (the harness's
    # distributor admin); a reseller's admin passes the role gate and is refused by
    # the service (403), as is another partner's admin.
    Policy(
        "web:portal:reseller_invite",
        distributor_page,
        method="POST",
        make=lambda world: ProgrammeFactory(),
        data=lambda programme: {
            "company": "Fjord Networks",
            "email": "partners@fjord.example",
            "programme_key": programme.slug,
        },
        happened=an_invitation_was_audited,
    ),
    Policy(
        "api:GET /api/v1/partners/{public_id}/resellers",
        distributor_resellers_api,
        make=lambda world: world.distributor,
        kwargs=lambda partner: {"public_id": partner.public_id},
    ),
    Policy("web:portal:dashboard", partner_area()),
    # Switching to the owner's organisation: its members may, anyone else's is 404.
    Policy(
        "web:portal:switch_partner",
        gated(partner_roles=PartnerRole.values, owner_only=True),
        method="POST",
        data=lambda obj: {"partner": obj.pk},
        make=lambda world: world.owner,
        happened=a_session_works_for,
    ),
]
