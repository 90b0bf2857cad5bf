"""Access policies of the pipeline and forecast (appended to deals' POLICIES).

Every vendor role reads the console page and the API (channel managers within their
scope); partner admins and salespeople read their organisation's pipeline in the
portal and the API; other partner roles are refused. The figures are aggregates,
so there is no object to hide: scoping is tested in test_pipeline_selectors.py.
"""

from openprm.accounts.choices import PartnerRole
from openprm.testing.authz import VENDOR_ACTORS, Policy, gated, partner_area, vendor

SELLERS = (PartnerRole.PARTNER_ADMIN, PartnerRole.SALES)
READERS = gated(vendor_roles=VENDOR_ACTORS.values(), partner_roles=SELLERS)

POLICIES = [
    Policy("web:console:pipeline", vendor()),
    Policy("web:portal:pipeline", partner_area(*SELLERS)),
    Policy("api:GET /api/v1/pipeline", READERS),
    Policy("api:GET /api/v1/forecast", READERS, query="?period=quarter"),
    Policy("api:GET /api/v1/pipeline/regions", READERS),
    Policy("api:GET /api/v1/pipeline/partners", READERS),
]
