"""Who may do what with campaigns (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Every vendor role follows recruitment campaigns and their funnels.
READ = Rule("campaigns.read", vendor=VendorRole.values)
# Vendor admins and channel marketing write, test, schedule and cancel them.
EDIT = Rule(
    "campaigns.edit", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING]
)
