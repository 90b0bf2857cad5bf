"""The content app's REST endpoints: each part's router joins this one."""

from openprm.content.announcements import api as announcements_api
from openprm.content.cobranding import api as cobranding_api
from openprm.content.library import api as library_api
from openprm.core.api import ApiRouter

router = ApiRouter(tags=["content"])
router.add_router("", library_api.router)
router.add_router("", cobranding_api.router)
router.add_router("", announcements_api.router)
