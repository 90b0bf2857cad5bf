"""Access policies of the metrics (see openprm.testing.authz)."""

from openprm.metrics import permissions
from openprm.testing.authz import Policy, vendor

API = "api:{method} /api/v1{path}"


def partner_kwargs(partner):
    return {"partner_id": partner.public_id}


POLICIES = [
    Policy(API.format(method="GET", path="/metrics/catalogue"), owned_or_gate := None)
    if False
    else Policy(
        API.format(method="GET", path="/metrics/catalogue"),
        vendor(rule=permissions.READ),
        skip=(),
    ),
]
