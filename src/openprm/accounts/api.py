"""The accounts app's REST endpoints: the caller's own API tokens."""

from openprm.accounts.tokens import api as tokens_api
from openprm.core.api import ApiRouter

router = ApiRouter()
router.add_router("", tokens_api.router)
