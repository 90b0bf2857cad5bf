"""REST endpoints of deals."""

from ninja import Router

router = Router(tags=["deals"])
