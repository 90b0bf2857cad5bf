"""The API under generated requests: schemathesis, in process against the WSGI app,
over every operation of the served schema, once as a vendor admin and once as a
partner admin, with valid and invalid input alike.

Every answer must be one the schema documents — no server error, a documented
status, the documented media type and a body matching its schema. The budget
(``OPENPRM_FUZZ_EXAMPLES`` generated cases per operation and identity, 4 by
default: 462 operation runs, about 1,850 requests) fits the normal test run;
``make fuzz`` runs the nightly size.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from openprm.accounts.tests.factories import UserFactory
from openprm.accounts.tokens.services import api_token_create
from openprm.api import api
from openprm.deals.tests.factories import make_deal
from openprm.leads.tests.factories import LeadFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory
from openprm.wsgi import application

EXAMPLES = int(os.environ.get("OPENPRM_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

CONFIG = SchemathesisConfig.from_dict(
    {
        "suppress-health-check": ["all"],
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "stateful": {"enabled": False},
        },
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "database": "none",
        },
    }
)


# The schema the API serves at /api/v1/openapi.json, called in process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = application


def bearer(user) -> dict:
    _, secret = api_token_create(user=user, name="fuzz", actor=user)
    return {"Authorization": f"Bearer {secret}"}


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


@pytest.fixture
def channel(db):
    """Two partners with a deal each and a lead, so that lists have rows."""
    own, other = PartnerFactory(name="Northwind"), PartnerFactory(name="Fabrikam")
    for partner in (own, other):
        make_deal(partner=partner)
    LeadFactory()
    return own


@pytest.fixture
def vendor_headers(channel):
    return bearer(UserFactory(vendor_role="vendor_admin"))


@pytest.fixture
def partner_headers(channel):
    user = MembershipFactory(partner=channel, roles=["partner_admin"]).user
    return bearer(user)


@schema.parametrize()
@pytest.mark.django_db
def test_a_vendor_admin_gets_only_documented_answers(case, vendor_headers):
    case.call_and_validate(headers=vendor_headers, checks=CHECKS)


@schema.parametrize()
@pytest.mark.django_db
def test_a_partner_admin_gets_only_documented_answers(case, partner_headers):
    case.call_and_validate(headers=partner_headers, checks=CHECKS)
