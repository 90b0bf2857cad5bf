"""Access policies of the metrics (see openprm.testing.authz).

Every vendor role reads the dashboard and a partner's figures (the unassigned
channel manager gets 404 for a partner outside its scope); partner admins and
salespeople read their own organisation's, and a distributor with downstream
visibility the partners beneath it; vendor admins see and start rebuilds.
"""

from openprm.metrics import permissions
from openprm.testing.authz import Policy, gated, owned, vendor

API = "api:{method} /api/v1{path}"

POLICIES = [
    Policy("web:console:metrics_dashboard", vendor(rule=permissions.DASHBOARD)),
    Policy("web:console:metrics_rebuilds", vendor(rule=permissions.ADMIN)),
    Policy(
        "web:console:metrics_rebuild_start",
        vendor(rule=permissions.ADMIN),
        method="POST",
    ),
    Policy(
        API.format(method="GET", path="/metrics/catalogue"),
        gated(rule=permissions.READ),
    ),
    Policy(
        API.format(method="GET", path="/partners/{partner_id}/metrics"),
        owned(rule=permissions.READ),
        make=lambda world: world.owner,
        kwargs=lambda partner: {"partner_id": partner.public_id},
    ),
    Policy(
        API.format(method="GET", path="/metrics/rebuilds"),
        vendor(rule=permissions.ADMIN),
    ),
]
