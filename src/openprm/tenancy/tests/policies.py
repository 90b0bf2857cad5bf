"""Access policies of the Team, Users and invitation routes and of ``/me``."""

from openprm.tenancy.tests.policies_team import TEAM_POLICIES
from openprm.testing.authz import Policy, signed_in

POLICIES = [
    # The API's "who am I".
    Policy("api:GET /api/v1/me", signed_in()),
    # Team, Users and invitations (policies_team.py).
    *TEAM_POLICIES,
]
