"""A client generated from the served schema with openapi-python-client builds, and
its models read what the API really answers: every JSON read without a path
parameter, called through the generated client, parses into the documented model
(files are not models) — and an error into the documented problem document."""

import importlib
import inspect
import json
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.services import api_token_create
from openprm.api import api
from openprm.deals.tests.factories import make_deal
from openprm.partners.tests.factories import PartnerFactory
from openprm.wsgi import application

# The tool is installed next to the interpreter (the venv's bin) by the test extra.
GENERATOR = shutil.which("openapi-python-client") or shutil.which(
    "openapi-python-client", path=str(Path(sys.executable).parent)
)
PACKAGE = "openprm_api_client"

httpx = pytest.importorskip("httpx")


@pytest.fixture(autouse=True)
def connection_kept():
    """The WSGI app is called in process, in the test's transaction: it must not
    close the connection at the end of each request (as Django's test client does
    not either; on PostgreSQL that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated package, importable (built once for the module)."""
    if GENERATOR is None:
        pytest.skip("openapi-python-client is not installed (pip install -e .[test])")
    folder = tmp_path_factory.mktemp("client")
    schema = folder / "openapi.json"
    schema.write_text(json.dumps(api.get_openapi_schema()))
    config = folder / "config.json"
    config.write_text(json.dumps({"package_name_override": PACKAGE}))
    result = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Warnings about skipped operations or models would mean a broken schema; the
    # only one allowed is the missing formatter of the post-generation hook.
    skipped = [
        line
        for line in result.stdout.splitlines()
        if "Skipping" in line and "Integration" not in line
    ]
    assert skipped == []
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def reads_without_parameters(package) -> list:
    """The generated modules of GET operations that need no path parameter."""
    api_package = importlib.import_module(f"{package.__name__}.api")
    found = []
    for info in pkgutil.walk_packages(api_package.__path__, f"{api_package.__name__}."):
        module = importlib.import_module(info.name)
        kwargs = getattr(module, "_get_kwargs", None)
        if kwargs is None:
            continue
        required = [
            parameter
            for parameter in inspect.signature(kwargs).parameters.values()
            if parameter.default is inspect.Parameter.empty
        ]
        if not required and kwargs()["method"] == "get":
            found.append(module)
    return found


@pytest.mark.django_db
def test_the_generated_client_reads_every_documented_answer(generated):
    partner = PartnerFactory()
    make_deal(partner=partner)
    user = UserFactory(vendor_role="vendor_admin")
    _, secret = api_token_create(user=user, name="client", actor=user)
    client_module = importlib.import_module(f"{PACKAGE}.client")
    client = client_module.AuthenticatedClient(
        base_url="http://testserver",
        token=secret,
        raise_on_unexpected_status=True,
        httpx_args={"transport": httpx.WSGITransport(app=application)},
    )
    modules = reads_without_parameters(generated)

    unparsed = []
    for module in modules:
        response = module.sync_detailed(client=client)
        is_json = response.headers["Content-Type"].startswith("application/json")
        if response.status_code == 200 and is_json and response.parsed is None:
            unparsed.append(module.__name__)

    assert len(modules) > 40
    assert unparsed == []


@pytest.mark.django_db
def test_the_generated_client_reads_a_problem_document(generated):
    client_module = importlib.import_module(f"{PACKAGE}.client")
    problem = importlib.import_module(f"{PACKAGE}.models.problem").Problem
    client = client_module.Client(
        base_url="http://testserver",
        httpx_args={"transport": httpx.WSGITransport(app=application)},
    )
    deals = importlib.import_module(f"{PACKAGE}.api.deals.openprm_deals_api_deal_list")

    response = deals.sync_detailed(client=client)

    assert response.status_code == 401
    assert isinstance(response.parsed, problem)
    assert response.parsed.title == "Not authenticated"
