"""Who may do what with scorecards (see ``core.permissions``).

Scorecards and scores are the vendor's own assessment of its channel: partner users
never read them; scores are read within the reader's partner scope (the selectors'
business).
"""

from openprm.accounts.choices import VendorRole
from openprm.core.permissions import Rule

# Vendor staff read scorecards, rankings, scores and score runs.
READ = Rule("scoring.read", vendor=VendorRole.values)
# Vendor admins define scorecards and their criteria, and recompute every score.
DEFINE = Rule("scoring.define", vendor=[VendorRole.VENDOR_ADMIN])
