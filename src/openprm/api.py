"""The REST API under /api/v1/: one NinjaAPI, with each app's router.

An app's endpoints live in its ``api`` module (or package), whose ``router`` is found
here at start-up: adding an app adds its operations without editing this file.
"""

import importlib
import importlib.util
from pathlib import Path

from django.apps import apps
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


def _app_routers():
    """Each OpenPRM app's routers, in INSTALLED_APPS order."""
    for app_config in apps.get_app_configs():
        if not app_config.name.startswith("openprm."):
            continue
        for name in _api_modules(app_config.name):
            router = getattr(importlib.import_module(name), "router", None)
            if router is not None:
                yield router


def _api_modules(package: str) -> list[str]:
    # TODO(issue 12): apps still split in api_*.py modules until they become one
    # api package each; then only f"{package}.api" remains.
    found = []
    spec = importlib.util.find_spec(package)
    for path in spec.submodule_search_locations or []:
        for file in sorted(Path(path).glob("api*.py")):
            found.append(f"{package}.{file.stem}")
    return found


for _router in _app_routers():
    api.add_router("", _router)
