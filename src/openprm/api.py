"""The REST API under /api/v1/: one NinjaAPI, with a router per app."""

from ninja import NinjaAPI

from openprm.accounts.api_auth import API_AUTH
from openprm.core.api import install_problem_handlers

api = NinjaAPI(
    title="OpenPRM API",
    version="1",
    description=(
        "Partner Relationship Management API. Authenticate with "
        "`Authorization: Bearer <token>` (create tokens under Account → API tokens or "
        "with `openprm create-token`). Every list is paginated with `limit` (at most "
        "100) and `offset`; errors are `application/problem+json` (RFC 9457)."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_problem_handlers(api)


def _add_routers() -> None:
    from openprm.accounts import api_tokens
    from openprm.agreements import api as agreements_api
    from openprm.campaigns import api as campaigns_api
    from openprm.core import api_endpoints as core_api
    from openprm.core import api_rates as core_rates_api
    from openprm.deals import api as deals_api
    from openprm.deals import api_pipeline as deals_pipeline_api
    from openprm.integrations import api as integrations_api
    from openprm.journeys import api as journeys_api
    from openprm.leads import api as leads_api
    from openprm.notifications import api as notifications_api
    from openprm.onboarding import api as onboarding_api
    from openprm.partners import api as partners_api
    from openprm.partners import api_lifecycle as partners_lifecycle_api
    from openprm.programs import api as programs_api
    from openprm.scoring import api as scoring_api
    from openprm.segments import api as segments_api
    from openprm.tenancy import api as tenancy_api
    from openprm.tenancy import api_team

    api.add_router("", tenancy_api.router)
    api.add_router("", api_tokens.router)
    api.add_router("", api_team.router)
    api.add_router("", core_api.router)
    api.add_router("", core_rates_api.router)
    api.add_router("", integrations_api.router)
    api.add_router("", partners_api.router)
    api.add_router("", partners_lifecycle_api.router)
    api.add_router("", programs_api.router)
    api.add_router("", segments_api.router)
    api.add_router("", scoring_api.router)
    api.add_router("", deals_api.router)
    api.add_router("", deals_pipeline_api.router)
    api.add_router("", leads_api.router)
    api.add_router("", onboarding_api.router)
    api.add_router("", journeys_api.router)
    api.add_router("", agreements_api.router)
    api.add_router("", notifications_api.router)
    api.add_router("", campaigns_api.router)


_add_routers()
