"""Access policies of the channel console's pages."""

import uuid

from openprm.partners.tests.policies_views import owner_only, shared_view, web_kwargs
from openprm.testing.authz import Policy, vendor

POLICIES = [
    Policy("web:console:dashboard", vendor()),
    Policy("web:console:partner_list", vendor()),
    Policy("web:console:partner_filters", vendor()),
    # Saved directory views: any vendor staff saves; only the owner changes one.
    Policy(
        "web:console:partner_view_create",
        vendor(),
        method="POST",
        data=lambda obj: {"name": f"View {uuid.uuid4()}", "query": "status=active"},
    ),
    Policy(
        "web:console:partner_view_update",
        owner_only(),
        method="POST",
        make=shared_view,
        kwargs=web_kwargs,
        data=lambda obj: {"name": f"Renamed {uuid.uuid4()}"},
    ),
    Policy(
        "web:console:partner_view_delete",
        owner_only(),
        method="POST",
        make=shared_view,
        kwargs=web_kwargs,
        data=lambda obj: {},
    ),
]
