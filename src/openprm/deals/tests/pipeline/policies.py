"""Access policies of the pipeline and forecast (appended to deals' POLICIES).

Every vendor role reads the console page and the API (channel managers within their
scope); partner admins and salespeople read their organisation's pipeline in the
portal and the API; other partner roles are refused. The figures are aggregates,
so there is no object to hide: scoping is tested in tests/pipeline/test_selectors.py.
"""

from openprm.deals import permissions
from openprm.testing.authz import Policy, gated, partner_area, vendor

READERS = gated(rule=permissions.READ_PIPELINE)

POLICIES = [
    Policy("web:console:pipeline", vendor(rule=permissions.READ_PIPELINE)),
    Policy("web:portal:pipeline", partner_area(rule=permissions.READ_PIPELINE)),
    Policy("api:GET /api/v1/pipeline", READERS),
    Policy("api:GET /api/v1/forecast", READERS, query="?period=quarter"),
    Policy("api:GET /api/v1/pipeline/regions", READERS),
    Policy("api:GET /api/v1/pipeline/partners", READERS),
]
