"""Who may do what with incentives (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Every vendor role reads the catalogue, the rules, the ledgers and the sales.
READ = Rule("incentives.read", vendor=VendorRole.values)
# Channel marketing (and admins) keep the catalogue and the earning rules.
MANAGE = Rule(
    "incentives.manage",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING],
)
# Finance (and admins) adjust a ledger by hand, with a reason.
ADJUST = Rule("incentives.adjust", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.FINANCE])
# Sales data: partners report their own; channel managers, finance and admins
# import it on a partner's behalf.
REPORT_SALES = Rule(
    "incentives.report_sales",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER, VendorRole.FINANCE],
    partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.SALES, PartnerRole.FINANCE],
)
# Every partner user sees what they (and their company) have earned.
EARNINGS = Rule("incentives.earnings", partner=PartnerRole.values)
# Partner admins and sellers spend their organisation's points on rewards (or
# their own, when points belong to users) and cancel what they ordered.
REDEEM = Rule(
    "incentives.redeem", partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.SALES]
)
# Vendor admins keep the programme's settings (the redemption approval
# threshold).
CONFIGURE = Rule("incentives.configure", vendor=[VendorRole.VENDOR_ADMIN])
