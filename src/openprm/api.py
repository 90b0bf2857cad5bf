"""The REST API under /api/v1/: one NinjaAPI, with each app's router.

An app's endpoints live in its ``api`` module, whose ``router`` is found here at
start-up (an app in sub-packages combines their routers there): adding an app adds
its operations without editing this file. The kernel's own endpoints
(``core.api_endpoints``) are added first, by name.
"""

import importlib
import importlib.util

from django.apps import apps

from openprm.accounts.tokens.auth import API_AUTH
from openprm.core import api_endpoints as core_api_endpoints
from openprm.core.api import ProblemApi, install_problem_handlers

api = ProblemApi(
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


def _app_routers():
    """The kernel's router, then each OpenPRM app's, in INSTALLED_APPS order."""
    yield core_api_endpoints.router
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("openprm."):
            continue
        name = f"{app_config.name}.api"
        if importlib.util.find_spec(name) is None:
            continue
        router = getattr(importlib.import_module(name), "router", None)
        if router is not None:
            yield router


for _router in _app_routers():
    api.add_router("", _router)
