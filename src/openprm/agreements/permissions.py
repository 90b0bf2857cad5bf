"""Who may do what with agreements (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Documents and their versions are the vendor's: staff read them, admins publish.
READ_TERMS = Rule("agreements.read_terms", vendor=VendorRole.values)
PUBLISH = Rule("agreements.publish", vendor=[VendorRole.VENDOR_ADMIN])
# A partner admin signs for their own organisation.
ACCEPT = Rule("agreements.accept", partner=[PartnerRole.PARTNER_ADMIN])
