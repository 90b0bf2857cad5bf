"""Who may do what with the integrations (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Webhooks carry every event of the ecosystem: only vendor admins manage them and
# read their delivery log.
MANAGE_WEBHOOKS = Rule("integrations.manage_webhooks", vendor=[VendorRole.VENDOR_ADMIN])
# Importing partners creates and changes them, so it is for whoever adds partners by
# hand: vendor admins and channel managers (whose new partners are assigned to them).
IMPORT = Rule(
    "integrations.import",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
# Following imports: a vendor admin follows every import, other importers their own.
FOLLOW_ALL_IMPORTS = Rule(
    "integrations.follow_all_imports", vendor=[VendorRole.VENDOR_ADMIN]
)
# The directory's export is a console tool: any vendor staff, within their scope.
EXPORT = Rule("integrations.export", vendor=VendorRole.values)
# The CRM sync changes partners in bulk with the vendor's CRM credentials: vendor
# admins only, like the webhooks.
MANAGE_CRM_SYNC = Rule("integrations.manage_crm_sync", vendor=[VendorRole.VENDOR_ADMIN])
