"""REST endpoints of onboarding journeys."""

from ninja import Router

router = Router(tags=["journeys"])
