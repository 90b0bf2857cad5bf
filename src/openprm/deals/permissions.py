"""Who may do what with deals (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Vendor admins and channel managers decide registrations and their protection
# extensions (a channel manager only for the partners in their scope).
REVIEW = Rule(
    "deals.review", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER]
)
# Partner admins and salespeople register and work their organisation's deals, and
# read those of the organisations it may see (a distributor's downstream).
WORK = Rule("deals.work", partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.SALES])
# A deal closed won or lost in the vendor's CRM, recorded by vendor admins (and by
# the CRM sync, which acts as the vendor admin its connection runs as).
RECORD_OUTCOME = Rule("deals.record_outcome", vendor=[VendorRole.VENDOR_ADMIN])
# The vendor's CRM accounts that registrations are checked against: vendor staff
# read them; vendor admins sync them.
READ_ACCOUNTS = Rule("deals.read_accounts", vendor=VendorRole.values)
MANAGE_ACCOUNTS = Rule("deals.manage_accounts", vendor=[VendorRole.VENDOR_ADMIN])
# The deals' figures in the reporting currency (pipeline, forecast, won revenue):
# vendor staff within their scope, and those who work deals.
READ_PIPELINE = Rule(
    "deals.read_pipeline", vendor=VendorRole.values, partner=WORK.partner
)
# The deal list: vendor staff read the deals within their scope (a channel manager
# their partners'), and those who work deals their organisations'. What a
# scheduled deal report asks of each recipient.
READ_LIST = Rule("deals.read_list", vendor=VendorRole.values, partner=WORK.partner)
