import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.models import ApiToken
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.agreements.models import AgreementAcceptance
from openprm.agreements.services import text_hash
from openprm.agreements.tests.factories import (
    AgreementAcceptanceFactory,
    AgreementVersionFactory,
)
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.journeys.tests.factories import JourneyFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ACCEPTANCES = "/api/v1/agreement-acceptances"


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def version():
    return AgreementVersionFactory()


def bound_partner(version):
    partner = PartnerFactory()
    JourneyFactory(partner=partner, programme=version.document.programme)
    return partner


def test_a_partner_admin_accepts_through_the_api_and_the_request_is_recorded(
    client, version
):
    partner = bound_partner(version)
    headers = {**bearer(MembershipFactory(partner=partner).user)}

    response = client.post(
        ACCEPTANCES,
        {
            "partner": partner.pk,
            "version": str(version.public_id),
            "name": "Ada Lovelace",
            "title": "CEO",
            "text_sha256": text_hash(version.text),
        },
        content_type="application/json",
        headers={**headers, "User-Agent": "curl/8.5"},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text_sha256"] == text_hash(version.text)
    assert (body["client_ip"], body["user_agent"]) == ("127.0.0.1", "curl/8.5")
    pdf = client.get(f"{ACCEPTANCES}/{body['id']}/pdf", headers=headers)
    assert pdf["Content-Type"] == "application/pdf"
    assert body["text_sha256"].encode() in pdf.content


def test_partner_b_cannot_accept_for_partner_a_nor_read_its_record(client, version):
    partner_a, partner_b = bound_partner(version), bound_partner(version)
    headers = bearer(MembershipFactory(partner=partner_b).user)
    record = AgreementAcceptanceFactory(partner=partner_a, version=version)
    counts = (AuditEntry.objects.count(), OutboxEvent.objects.count())

    refused = client.post(
        ACCEPTANCES,
        {
            "partner": partner_a.pk,
            "version": str(version.public_id),
            "name": "Mallory",
            "title": "CEO",
        },
        content_type="application/json",
        headers=headers,
    )

    assert refused.status_code == 404
    assert AgreementAcceptance.objects.count() == 1
    assert (AuditEntry.objects.count(), OutboxEvent.objects.count()) == counts
    assert (
        client.get(f"{ACCEPTANCES}/{record.public_id}", headers=headers).status_code
        == 404
    )
    assert client.get(ACCEPTANCES, headers=headers).json()["count"] == 0


@pytest.mark.parametrize("rows", [2, 6])
def test_the_acceptance_list_costs_the_same_queries_whatever_its_length(
    client, version, rows
):
    from openprm.accounts.tests.factories import VendorUserFactory

    headers = bearer(VendorUserFactory())
    for _ in range(rows):
        AgreementAcceptanceFactory(version=version)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(ACCEPTANCES, headers=headers)

    assert response.json()["count"] == rows
    assert len(queries) == 4
