"""Who may do what with applications (see ``core.permissions``).

Which applications a user sees and may act on also depends on the assignment (the
step's approver, or a member of its queue): that object-level check stays in the
selectors and services, and uses these rules for the role part.
"""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Vendor staff open the review queue; they see what is assigned to them.
READ = Rule("onboarding.read", vendor=VendorRole.values)
# Vendor admins and channel managers see every application, assigned or not.
REVIEW_ALL = Rule(
    "onboarding.review_all",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
# Vendor admins act on any open application; others on those assigned to them.
DECIDE_ANY = Rule("onboarding.decide_any", vendor=[VendorRole.VENDOR_ADMIN])
# Routing rules, approval queues, approval chains and the application questions.
CONFIGURE = Rule("onboarding.configure", vendor=[VendorRole.VENDOR_ADMIN])
# Reading that configuration through the API (who routes where, and who is in
# which queue): vendor admins and channel managers.
READ_CONFIG = Rule(
    "onboarding.read_config",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
# A distributor's partner admins invite a company to apply as a reseller beneath
# it (checked against the distributor).
INVITE_RESELLER = Rule(
    "onboarding.invite_reseller", partner=[PartnerRole.PARTNER_ADMIN]
)
