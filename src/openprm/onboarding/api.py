"""REST endpoints of onboarding."""

from ninja import Router

router = Router(tags=["onboarding"])
