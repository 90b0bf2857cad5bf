import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.integrations.tests.webhooks.test_api import bearer
from openprm.partners.models import CustomFieldDefinition
from openprm.partners.tests.factories import PartnerFactory


@pytest.fixture
def admin_headers():
    return bearer(VendorUserFactory())


@pytest.mark.django_db
def test_export_csv_applies_the_filters(client, admin_headers):
    PartnerFactory(name="Acme", status="active")
    PartnerFactory(name="Globex", status="prospect")

    response = client.get(
        "/api/v1/exports/partners.csv?status=active", headers=admin_headers
    )

    text = b"".join(response.streaming_content).decode()
    assert [row["name"] for row in csv.DictReader(io.StringIO(text))] == ["Acme"]


@pytest.mark.django_db
def test_export_refuses_an_unknown_filter(client, admin_headers):
    response = client.get(
        "/api/v1/exports/partners.csv?stauts=x", headers=admin_headers
    )

    assert response.status_code == 422


@pytest.mark.django_db
def test_export_runs_the_same_queries_for_one_row_or_many(client, admin_headers):
    PartnerFactory()
    client.get("/api/v1/exports/partners.csv", headers=admin_headers)

    with CaptureQueriesContext(connection) as one_row:
        b"".join(
            client.get(
                "/api/v1/exports/partners.csv", headers=admin_headers
            ).streaming_content
        )
    PartnerFactory.create_batch(20)
    with CaptureQueriesContext(connection) as many_rows:
        b"".join(
            client.get(
                "/api/v1/exports/partners.csv", headers=admin_headers
            ).streaming_content
        )

    # token, custom field keys (for filters, then the active ones), the rows
    assert len(one_row) == len(many_rows) == 4


@pytest.mark.django_db
def test_export_takes_the_directorys_custom_field_filters(client, admin_headers):
    CustomFieldDefinition.objects.create(
        key="crm_owner", label="CRM owner", field_type="text"
    )
    PartnerFactory(name="Acme", profile={"custom_fields": {"crm_owner": "Ada"}})
    PartnerFactory(name="Globex", profile={"custom_fields": {"crm_owner": "Bob"}})

    response = client.get(
        "/api/v1/exports/partners.csv?cf_crm_owner=Ada", headers=admin_headers
    )

    text = b"".join(response.streaming_content).decode()
    assert [row["name"] for row in csv.DictReader(io.StringIO(text))] == ["Acme"]
