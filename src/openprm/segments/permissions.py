"""Who may do what with segments and static lists (see ``core.permissions``).

Segments are the vendor's tool: partner users never read them. Members are always
read within the reader's partner scope (the selectors' business).
"""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Vendor staff read segments, their members and exports.
READ = Rule("segments.read", vendor=VendorRole.values)
# Vendor admins and channel marketing define segments and keep static lists.
EDIT = Rule(
    "segments.edit",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING],
)
