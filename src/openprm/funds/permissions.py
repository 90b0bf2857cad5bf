"""Who may do what with marketing funds (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Vendor staff read funds, budgets, requests and claims in their scope.
READ = Rule("funds.read", vendor=VendorRole.values)
# Channel marketing (and admins) keep funds and budgets and run allocations.
MANAGE = Rule(
    "funds.manage", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING]
)
# Who decides requests, claims and attributions (until the approval engine's
# chains decide who approves which step).
REVIEW = Rule(
    "funds.review", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING]
)
# Finance approves payouts and records payments.
PAYOUT = Rule("funds.payout", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.FINANCE])
# Partner admins and marketers request funds and claim them.
WORK = Rule("funds.work", partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.MARKETING])
# The partner's funds, requests and ledger: those who work them and finance.
PARTNER_READ = Rule(
    "funds.partner_read",
    partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.MARKETING, PartnerRole.FINANCE],
)
