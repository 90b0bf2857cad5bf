"""The scheduled reports' REST endpoints."""

import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.core.models import AuditEntry
from openprm.reports.models import SavedReport
from openprm.reports.tests.factories import scheduled_report

pytestmark = pytest.mark.django_db

URL = "/api/v1/scheduled-reports"
QUERIES_LIST = 4  # token, count, the schedules, their recipients


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def analyst():
    return VendorUserFactory(vendor_role="analyst", email="ana@example.com")


def send(client, method, url, body, user):
    return getattr(client, method)(
        url, body, content_type="application/json", headers=bearer(user)
    )


def test_create_read_update_send_and_delete(client, analyst, ecosystem, manager):
    created = send(
        client,
        "post",
        URL,
        {
            "name": "EMEA monthly",
            "kind": "metrics",
            "filters": {"table": "partners", "months": 6, "region": "EMEA"},
            "file_format": "xlsx",
            "frequency": "monthly",
            "day_of_month": 31,
            "recipients": ["ana@example.com", "CM@example.com"],
        },
        analyst,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["filters"] == {"table": "partners", "months": "6", "region": "EMEA"}
    assert body["recipients"] == ["ana@example.com", "cm@example.com"]
    assert body["owner"] == "ana@example.com"
    assert body["next_run_at"].endswith("T06:00:00Z")
    url = f"{URL}/{body['id']}"

    changed = send(client, "patch", url, {"file_format": "pdf"}, analyst)
    assert changed.status_code == 200
    assert changed.json()["file_format"] == "pdf"
    assert changed.json()["recipients"] == ["ana@example.com", "cm@example.com"]

    sent = send(client, "post", f"{url}/send", {}, analyst)
    assert sent.status_code == 200
    assert sent.json()["sent"] == 2
    assert sent.json()["report"]["last_run_at"] is not None
    assert len(mail.outbox) == 2

    assert client.get(url, headers=bearer(analyst)).json()["name"] == "EMEA monthly"
    assert client.delete(url, headers=bearer(analyst)).status_code == 204
    assert SavedReport.objects.count() == 0


def test_bad_filters_answer_422_with_one_error_per_field(client, analyst):
    response = send(
        client,
        "post",
        URL,
        {
            "name": "Bad",
            "kind": "metrics",
            "filters": {"table": "colours", "months": 0, "shade": "red"},
            "frequency": "weekly",
            "weekday": 0,
            "recipients": ["ana@example.com"],
        },
        analyst,
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert sorted(error["field"] for error in response.json()["errors"]) == [
        "filters.months",
        "filters.shade",
        "filters.table",
    ]
    assert SavedReport.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_unknown_recipients_and_missing_weekday_are_field_errors(client, analyst):
    response = send(
        client,
        "post",
        URL,
        {
            "name": "Bad",
            "kind": "metrics",
            "filters": {"table": "months"},
            "frequency": "weekly",
            "recipients": ["nobody@example.com"],
        },
        analyst,
    )

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["recipients"]

    response = send(
        client,
        "post",
        URL,
        {
            "name": "Bad",
            "kind": "metrics",
            "filters": {"table": "months"},
            "frequency": "weekly",
            "recipients": ["ana@example.com"],
        },
        analyst,
    )
    assert [error["field"] for error in response.json()["errors"]] == ["weekday"]


def test_the_kinds_name_their_filters(client, analyst):
    response = client.get(f"{URL}/kinds", headers=bearer(analyst))

    kinds = {kind["code"]: kind["filters"] for kind in response.json()}
    assert kinds["funds"] == ["by", "currency", "period"]
    assert kinds["metrics"] == ["table", "months", "region", "partner_type", "tier"]
    assert "learning" in kinds


def test_a_user_lists_their_own_schedules_and_an_admin_everyones(client, analyst):
    scheduled_report(owner=analyst, name="Mine")
    scheduled_report(name="Someone else's")

    mine = client.get(URL, headers=bearer(analyst)).json()
    everyone = client.get(URL, headers=bearer(VendorUserFactory())).json()

    assert [item["name"] for item in mine["items"]] == ["Mine"]
    assert mine["count"] == 1
    assert everyone["count"] == 2


def test_listing_runs_the_same_queries_for_one_or_many(client, analyst):
    headers = bearer(VendorUserFactory())
    scheduled_report(owner=analyst)
    client.get(URL, headers=headers)
    with CaptureQueriesContext(connection) as one:
        client.get(URL, headers=headers)
    for _ in range(4):
        colleague = VendorUserFactory(vendor_role="finance")
        scheduled_report(owner=colleague, recipients=[colleague, analyst])

    with CaptureQueriesContext(connection) as many:
        response = client.get(URL, headers=headers)

    assert response.json()["count"] == 5
    assert len(many) == len(one) == QUERIES_LIST


def test_send_now_attaches_what_the_caller_sees(client, analyst, ecosystem, manager):
    report = scheduled_report(owner=manager, recipients=[manager])

    response = send(client, "post", f"{URL}/{report.public_id}/send", {}, manager)

    assert response.json()["sent"] == 1
    content = mail.outbox[0].attachments[0][1]
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Nordlicht"
    ]
