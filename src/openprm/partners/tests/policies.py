"""Access policies of the partners app's pages and endpoints."""

from openprm.partners.tests.policies_lifecycle import LIFECYCLE_POLICIES
from openprm.partners.tests.policies_profile import PROFILE_POLICIES
from openprm.partners.tests.policies_views import VIEW_POLICIES
from openprm.testing.authz import Policy, partner_area, vendor

# The partner picker's search: every vendor role in the console, every partner
# user in the portal; each sees only the partners in their scope
# (test_pickers.py checks what each finds).
PICKER_POLICIES = [
    Policy("web:console:partner_picker", expect=vendor(), query="?q=part"),
    Policy("web:portal:partner_picker", expect=partner_area(), query="?q=part"),
]

POLICIES = [
    # Status, hierarchy moves, duplicates and merges (policies_lifecycle.py).
    *LIFECYCLE_POLICIES,
    # Profile, contacts and custom fields (policies_profile.py).
    *PROFILE_POLICIES,
    # Saved directory views (policies_views.py).
    *VIEW_POLICIES,
    # The partner picker's search endpoint.
    *PICKER_POLICIES,
]
