"""Who may read partner metrics and run the rollups (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Every vendor role reads partners' figures; partner admins and salespeople their
# own organisation's (and, with downstream visibility, their resellers').
READ = Rule(
    "metrics.read",
    vendor=VendorRole.values,
    partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.SALES],
)
# The ecosystem's dashboard: executives' figures, not for partners.
DASHBOARD = Rule("metrics.dashboard", vendor=VendorRole.values)
# Vendor admins see the rebuilds and their drift, and start one.
ADMIN = Rule("metrics.admin", vendor=[VendorRole.VENDOR_ADMIN])
# Channel managers and vendor admins run evaluations and review recommendations.
EVALUATE = Rule(
    "metrics.tiers_evaluate",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
REVIEW = Rule(
    "metrics.tiers_review",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
