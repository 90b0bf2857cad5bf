"""Access policies of the partner portal's pages."""

from openprm.tenancy.choices import PartnerRole
from openprm.testing.authz import Policy, gated, partner_area

POLICIES = [
    Policy("web:portal:dashboard", partner_area()),
    # Switching to the owner's organisation: its members may, anyone else's is 404.
    Policy(
        "web:portal:switch_partner",
        gated(partner_roles=PartnerRole.values, owner_only=True),
        method="POST",
        data=lambda obj: {"partner": obj.pk},
        make=lambda world: world.owner,
    ),
]
