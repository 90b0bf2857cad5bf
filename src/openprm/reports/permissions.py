"""Who may schedule reports (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Vendor staff schedule reports and manage their own schedules; what each
# recipient receives is read with the recipient's own scope.
SCHEDULE = Rule("reports.schedule", vendor=VendorRole.values)
# Vendor admins see, change and delete everyone's schedules.
MANAGE_ALL = Rule("reports.manage_all", vendor=[VendorRole.VENDOR_ADMIN])
