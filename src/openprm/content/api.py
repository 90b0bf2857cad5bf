"""The content app's REST endpoints: each part's router joins this one."""

from openprm.core.api import ApiRouter

router = ApiRouter(tags=["content"])
