"""Learning REST endpoints (filled in below)."""

from openprm.core.api import ApiRouter

router = ApiRouter(tags=["learning"])
