"""Access policies of the partner portal's pages."""

from django.contrib.sessions.models import Session

from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.web import CURRENT_PARTNER_SESSION_KEY
from openprm.testing.authz import Policy, gated, partner_area


def a_session_works_for(partner) -> bool:
    """Whether a signed-in session now works for ``partner``: switching is a session
    change, not business data, so it writes no audit entry or event."""
    return any(
        session.get_decoded().get(CURRENT_PARTNER_SESSION_KEY) == partner.pk
        for session in Session.objects.all()
    )


POLICIES = [
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
