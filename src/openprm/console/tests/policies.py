"""Access policies of the channel console's pages."""

from openprm.testing.authz import Policy, vendor

POLICIES = [
    Policy("web:console:dashboard", vendor()),
    Policy("web:console:partner_list", vendor()),
]
