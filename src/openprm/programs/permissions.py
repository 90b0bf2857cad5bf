"""Who may do what with programmes (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Programmes, tiers, requirements and benefits: vendor admins define them.
DEFINE = Rule("programs.define", vendor=[VendorRole.VENDOR_ADMIN])
# Enrolling partners, changing their tiers and ending enrolments: vendor admins,
# and channel managers for the partners in their scope (checked against the
# partner by the services).
MANAGE_ENROLMENTS = Rule(
    "programs.manage_enrolments",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
