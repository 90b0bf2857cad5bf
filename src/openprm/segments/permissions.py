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

# Audiences (who content, courses, incentives are for): every vendor role reads them,
# their reach and a partner's explanation; vendor admins and channel marketing (who
# manage content) define them. Partner users never see an audience.
AUDIENCE_READ = Rule("audiences.read", vendor=VendorRole.values)
AUDIENCE_MANAGE = Rule(
    "audiences.manage",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING],
)
