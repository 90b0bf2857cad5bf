"""The partners app's REST endpoints, one router per feature: the partner record
(``profile``), the lifecycle and hierarchy (``lifecycle``), saved directory views
(``directory``)."""

from openprm.core.api import ApiRouter
from openprm.partners.directory import api as directory_api
from openprm.partners.lifecycle import api as lifecycle_api
from openprm.partners.profile import api as profile_api

router = ApiRouter()
# The saved views' paths (/partners/views…) come before the partner's own
# (/partners/{uuid}…), which could not take them anyway.
router.add_router("", directory_api.router)
router.add_router("", lifecycle_api.router)
router.add_router("", profile_api.router)
