"""Who may do what with leads (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Vendor lead managers create, import, push, route and recall leads, and keep the
# routing rules and partners' capacities (channel managers: within their scope).
MANAGE = Rule(
    "leads.manage",
    vendor=[
        VendorRole.VENDOR_ADMIN,
        VendorRole.CHANNEL_MANAGER,
        VendorRole.CHANNEL_MARKETING,
    ],
)
# Partner admins and salespeople answer and work the leads their organisation holds.
WORK = Rule("leads.work", partner=[PartnerRole.PARTNER_ADMIN, PartnerRole.SALES])
# Who reads leads: vendor staff within their scope; those who work them, the leads
# their organisations hold.
READ = Rule("leads.read", vendor=VendorRole.values, partner=WORK.partner)
# The routing rules and the partners' capacities and records: vendor staff.
READ_ROUTING = Rule("leads.read_routing", vendor=VendorRole.values)
