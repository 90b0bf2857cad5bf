"""Who may do what with onboarding journeys (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Journeys are read by vendor staff (within their partner scope).
READ = Rule("journeys.read", vendor=VendorRole.values)
# The tasks each programme's journey is made of.
CONFIGURE = Rule("journeys.configure", vendor=[VendorRole.VENDOR_ADMIN])
# Manual tasks are signed off by vendor admins, and by channel managers for the
# partners in their scope (checked against the journey's partner).
SIGN_OFF = Rule(
    "journeys.sign_off",
    vendor=[VendorRole.VENDOR_ADMIN, VendorRole.CHANNEL_MANAGER],
)
# The partner's own people work through their journey (upload documents).
WORK = Rule("journeys.work", partner=PartnerRole.values)
