"""Access policies of the partners app's pages and endpoints."""

from openprm.partners.tests.policies_lifecycle import LIFECYCLE_POLICIES
from openprm.partners.tests.policies_profile import PROFILE_POLICIES
from openprm.partners.tests.policies_views import VIEW_POLICIES

POLICIES = [
    # Status, hierarchy moves, duplicates and merges (policies_lifecycle.py).
    *LIFECYCLE_POLICIES,
    # Profile, contacts and custom fields (policies_profile.py).
    *PROFILE_POLICIES,
    # Saved directory views (policies_views.py).
    *VIEW_POLICIES,
]
