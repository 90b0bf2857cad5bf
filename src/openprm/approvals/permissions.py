"""Who may do what with approval requests (see ``core.permissions``).

Which requests a user sees and may act on also depends on the assignment (the
step's approver, a member of its queue, or their delegate while they are away):
that object-level check stays in the selectors and services, and uses these rules
for the role part.
"""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule
from openprm.tenancy.choices import PartnerRole

# Vendor staff open the approvals page; they see what waits on them or their queues.
READ = Rule("approvals.read", vendor=VendorRole.values)
# Vendor admins see and act on every request, assigned or not.
DECIDE_ANY = Rule("approvals.decide_any", vendor=[VendorRole.VENDOR_ADMIN])
# Vendor admins keep the chains: the steps of each subject kind, their conditions
# and who approves (they decide who may approve money and partners).
CONFIGURE = Rule("approvals.configure", vendor=[VendorRole.VENDOR_ADMIN])
# Any vendor staff member records their own absence and names a delegate; vendor
# admins record anyone's.
DELEGATE = Rule("approvals.delegate", vendor=VendorRole.values)
# The requester's side: partner users answer the vendor's question about one of
# their organisation's requests (which requests: the selector's scope).
ANSWER = Rule(
    "approvals.answer",
    partner=[
        PartnerRole.PARTNER_ADMIN,
        PartnerRole.SALES,
        PartnerRole.MARKETING,
        PartnerRole.FINANCE,
    ],
)
