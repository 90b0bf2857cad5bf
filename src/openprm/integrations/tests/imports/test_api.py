from unittest.mock import patch

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.integrations.tests.webhooks.test_api import bearer
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


@pytest.fixture
def _upload(django_capture_on_commit_callbacks):
    """Upload a file; the worker's preview runs when the upload commits."""

    def upload(client, headers, text=TEXT):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/api/v1/imports",
                {"file": SimpleUploadedFile("p.csv", text.encode())},
                headers=headers,
            )

    return upload


@pytest.mark.django_db
def test_upload_queues_the_preview_then_get_reports_it(client, admin_headers):
    with patch("openprm.integrations.imports.services._enqueue") as enqueue:
        response = client.post(
            "/api/v1/imports",
            {"file": SimpleUploadedFile("p.csv", TEXT.encode())},
            headers=admin_headers,
        )

    assert response.status_code == 201
    assert response.json()["status"] == "previewing"
    assert response.json()["percent"] == 0
    assert enqueue.call_count == 0  # only once the upload commits


@pytest.mark.django_db
def test_the_preview_reports_counts_and_row_errors(client, admin_headers, _upload):
    import_id = _upload(client, admin_headers).json()["id"]

    body = client.get(f"/api/v1/imports/{import_id}", headers=admin_headers).json()
    errors = client.get(
        f"/api/v1/imports/{import_id}/errors", headers=admin_headers
    ).json()

    assert (body["status"], body["percent"], body["total"]) == ("previewed", 100, 2)
    assert (body["will_create"], body["will_fail"]) == (1, 1)
    assert errors == {
        "items": [
            {"row": 3, "field": "region", "message": "Choose one of the regions."}
        ],
        "count": 1,
        "count_is_capped": False,
    }
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_possible_duplicates_are_listed(client, admin_headers, _upload):
    PartnerFactory(name="Acme Ltd")
    import_id = _upload(client, admin_headers).json()["id"]

    body = client.get(
        f"/api/v1/imports/{import_id}/duplicates?limit=10", headers=admin_headers
    ).json()

    assert body["items"] == [
        {
            "row": 2,
            "field": "name",
            "message": "Looks like Acme Ltd, already a partner.",
        }
    ]


@pytest.mark.django_db
def test_the_error_list_runs_the_same_queries_for_one_error_or_many(
    client, admin_headers, _upload
):
    few = _upload(client, admin_headers).json()["id"]
    many = _upload(
        client, admin_headers, TEXT + "".join(f"B{n},x,DE,EMEA\n" for n in range(30))
    ).json()["id"]

    def queries(import_id):
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/api/v1/imports/{import_id}/errors", headers=admin_headers)
        return len(captured)

    assert queries(few) == queries(many)


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
    client, admin_headers, _upload, django_capture_on_commit_callbacks
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
    client, admin_headers, _upload, django_capture_on_commit_callbacks
):
    import_id = _upload(client, admin_headers).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/imports/{import_id}/run", headers=admin_headers)

    again = client.post(f"/api/v1/imports/{import_id}/run", headers=admin_headers)

    assert again.status_code == 409
