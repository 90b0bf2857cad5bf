"""REST endpoints of leads."""

from ninja import Router

router = Router(tags=["leads"])
