"""Who may do what with certifications (see ``core.permissions``). Which rows a
reader sees (their own, their team's, their partners') is the selectors' business."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Every vendor role reads certifications, holders, accreditations and reports.
READ = Rule("certifications.read", vendor=VendorRole.values)
# Channel managers and admins set certifications and accreditations up.
MANAGE = Rule(
    "certifications.manage",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
# Reviewers of external certificates (and who revokes a certification).
REVIEW = Rule(
    "certifications.review",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
# Any partner user holds certificates and uploads external ones.
HOLD = Rule("certifications.hold", partner=PartnerRole.values)
# Partner admins see their team's certifications.
TEAM = Rule("certifications.team", partner=[PartnerRole.PARTNER_ADMIN])
