"""Access policies of the partner portal's pages."""

from openprm.testing.authz import Policy, partner_area

POLICIES = [
    Policy("web:portal:dashboard", partner_area()),
]
