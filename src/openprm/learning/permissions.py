"""Who may do what with enablement (see ``core.permissions``). Partner users take
the courses and paths their audiences hold; no role rule decides that."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Every vendor role reads courses, paths and enrolments.
READ = Rule("learning.read", vendor=VendorRole.values)
# Channel marketing (and admins) author courses, quizzes, packages and paths.
MANAGE = Rule(
    "learning.manage", vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MARKETING]
)
# A partner admin enrols their colleagues (and reads their progress).
ENROL_TEAM = Rule("learning.enrol_team", partner=[PartnerRole.PARTNER_ADMIN])
