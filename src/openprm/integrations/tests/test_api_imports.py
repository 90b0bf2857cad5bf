import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.integrations.tests.test_api import bearer
from openprm.partners.models import Partner
from openprm.partners.tests.factories import PartnerFactory

TEXT = (
    "name,partner_type,country,region,external_id\n"
    "Acme,reseller,DE,EMEA,CRM-1\n"
    "Bad,reseller,DE,MARS,CRM-2\n"
)


@pytest.fixture
def admin_headers():
    return bearer(VendorUserFactory())


def _upload(client, headers, text=TEXT):
    return client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("p.csv", text.encode())},
        headers=headers,
    )


@pytest.mark.django_db
def test_upload_returns_the_preview_with_row_errors(client, admin_headers):
    response = _upload(client, admin_headers)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "previewed"
    assert body["preview"] == {"2": "create", "3": "error"}
    assert body["errors"] == [
        {"row": 3, "field": "region", "message": "Choose one of the regions."}
    ]
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_an_unreadable_upload_is_a_problem(client, admin_headers):
    response = client.post(
        "/api/v1/imports",
        {"file": SimpleUploadedFile("p.txt", b"x")},
        headers=admin_headers,
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "file", "message": "Upload a .csv or .xlsx file."}
    ]


@pytest.mark.django_db
def test_run_then_get_reports_progress(
    client, admin_headers, django_capture_on_commit_callbacks
):
    import_id = _upload(client, admin_headers).json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        run = client.post(f"/api/v1/imports/{import_id}/run", headers=admin_headers)
    body = client.get(f"/api/v1/imports/{import_id}", headers=admin_headers).json()

    assert run.status_code == 202
    assert (body["status"], body["done"], body["created"], body["failed"]) == (
        "done",
        2,
        1,
        1,
    )
    assert list(Partner.objects.values_list("name", flat=True)) == ["Acme"]


@pytest.mark.django_db
def test_running_twice_is_a_conflict(
    client, admin_headers, django_capture_on_commit_callbacks
):
    import_id = _upload(client, admin_headers).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/imports/{import_id}/run", headers=admin_headers)

    again = client.post(f"/api/v1/imports/{import_id}/run", headers=admin_headers)

    assert again.status_code == 409


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
