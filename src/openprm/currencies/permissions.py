"""Who may do what with the exchange rates (see ``core.permissions``)."""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Every figure in the reporting currency depends on the rates: vendor staff read them.
READ_RATES = Rule("currencies.read_rates", vendor=VendorRole.values)
# Vendor admins maintain them.
EDIT_RATES = Rule("currencies.edit_rates", vendor=[VendorRole.VENDOR_ADMIN])
