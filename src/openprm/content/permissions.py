"""Who may do what with portal content (see ``core.permissions``). Partner users
read what their audiences hold; no role rule decides that."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Every vendor role reads the library, announcements and their usage.
READ = Rule("content.read", vendor=VendorRole.values)
# Channel marketing (and admins) write the library and the announcements.
MANAGE = Rule(
    "content.manage", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING]
)
