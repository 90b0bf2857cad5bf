"""Promises the whole API keeps, checked on every operation of the served schema."""

import uuid
from collections import defaultdict

import pytest
from ninja import NinjaAPI
from pydantic import BaseModel

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.api import api

SCHEMA = api.get_openapi_schema()
GET_OPERATIONS = sorted(
    (path, operation)
    for path, operations in SCHEMA["paths"].items()
    for method, operation in operations.items()
    if method == "get"
)


def _sample(parameter: dict) -> str:
    """A well-formed value for a path parameter: the operation's own lookup may
    then find nothing, but the request gets past the parameter's validation."""
    schema = parameter.get("schema", {})
    if schema.get("type") == "integer":
        return "1"
    if schema.get("format") == "uuid":
        return str(uuid.UUID(int=1))
    return "x"


def _url(path: str, operation: dict) -> str:
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", _sample(parameter))
    return path


@pytest.fixture
def admin_token(db):
    user = UserFactory(vendor_role="vendor_admin")
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="contract", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return secret


@pytest.mark.parametrize(
    ("path", "operation"),
    GET_OPERATIONS,
    ids=[path for path, _ in GET_OPERATIONS],
)
def test_every_read_refuses_an_unknown_query_parameter(
    client, admin_token, path, operation
):
    response = client.get(
        _url(path, operation) + "?definitely_not_a_filter=1",
        headers={"Authorization": f"Bearer {admin_token}"},
    )

    assert response.status_code == 422, response.content[:300]
    assert response.json()["errors"] == [
        {"field": "definitely_not_a_filter", "message": "Unknown query parameter."}
    ]


def _models_in(annotation, found: set) -> None:
    """Every pydantic model an annotation refers to, nested ones included."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in getattr(annotation, "__args__", ()):
        _models_in(argument, found)


def _schema_models(ninja_api: NinjaAPI) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for _prefix, router in ninja_api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    _models_in(model, found)
                for model in operation.models:
                    _models_in(model, found)
    return found


def test_no_two_schemas_share_a_component_name():
    by_name = defaultdict(set)
    for model in _schema_models(api):
        if model.__module__.startswith("openprm."):
            by_name[model.__name__].add(f"{model.__module__}.{model.__qualname__}")

    shared = {
        name: sorted(owners) for name, owners in by_name.items() if len(owners) > 1
    }
    assert shared == {}
