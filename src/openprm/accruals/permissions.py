"""Who may do what with SPIFFs, rebates and payouts (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Every vendor role sees the SPIFFs, the rebate programmes, the money ledgers
# and the payouts (ledgers and payouts of the partners in their scope).
READ = Rule("accruals.read", vendor=VendorRole.values)
# Channel marketing (and admins) set up SPIFFs and rebate programmes.
MANAGE = Rule(
    "accruals.manage",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING],
)
# Finance (and admins) calculate rebates, true them up, ask for payouts and
# export the approved ones; returns of sales reverse what they earned.
FINANCE = Rule("accruals.finance", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.FINANCE])
# Every partner user sees their SPIFFs and their progress, and the money their
# organisation earned with its rebate statements (as every role sees the points).
SPIFFS = Rule("accruals.spiffs", partner=PartnerRole.values)
STATEMENTS = Rule("accruals.statements", partner=PartnerRole.values)
