"""The integrations' REST endpoints: webhooks, imports, exports and CRM sync."""

from openprm.core.api import ApiRouter
from openprm.integrations.crm import api as crm_api
from openprm.integrations.exports import api as exports_api
from openprm.integrations.fulfilment import api as fulfilment_api
from openprm.integrations.imports import api as imports_api
from openprm.integrations.webhooks import api as webhooks_api

router = ApiRouter()
router.add_router("", webhooks_api.router)
router.add_router("", exports_api.router)
router.add_router("", imports_api.router)
router.add_router("", crm_api.router)
router.add_router("", fulfilment_api.router)
