"""Exporting a segment or a static list as CSV and XLSX: the directory export's
columns, the reader's scope, the current members, a constant query count; each
file is read back with the csv module or openpyxl."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from openprm.accounts.models import ApiToken
from openprm.accounts.tests.factories import VendorUserFactory
from openprm.accounts.tokens.keys import hash_token, new_token_secret
from openprm.partners.models import CustomFieldDefinition, Partner
from openprm.partners.tests.factories import PartnerFactory
from openprm.segments.tests.factories import SegmentFactory, StaticListMemberFactory
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db

EMEA = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def bearer(user) -> dict[str, str]:
    secret = new_token_secret()
    ApiToken.objects.create(
        user=user, name="script", prefix=secret[:12], key_hash=hash_token(secret)
    )
    return {"Authorization": f"Bearer {secret}"}


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode())))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    return [["" if cell is None else cell for cell in row] for row in sheet.values]


def url(segment, file_format: str) -> str:
    return reverse(f"console:segment_export_{file_format}", args=[segment.public_id])


@pytest.fixture
def vendor_client(client):
    client.force_login(VendorUserFactory(email="ada@vendor.example"))
    return client


@pytest.fixture
def emea():
    """A dynamic segment of two EMEA partners (one with a custom field value), and
    a partner in NA outside it."""
    CustomFieldDefinition.objects.create(
        key="crm_owner", label="CRM owner", field_type="text"
    )
    PartnerFactory(
        name="Acme",
        region="EMEA",
        country="DE",
        profile={
            "external_id": "CRM-1",
            "tags": ["cloud", "gold"],
            "custom_fields": {"crm_owner": "=Ada"},
        },
    )
    PartnerFactory(name="Bolt", region="EMEA", country="FR")
    PartnerFactory(name="Cask", region="NA", country="US")
    return SegmentFactory(name="EMEA partners", rule=EMEA)


def test_csv_has_the_directory_columns_and_one_row_per_member(vendor_client, emea):
    directory = csv_rows(vendor_client.get("/console/partners/export.csv"))

    response = vendor_client.get(url(emea, "csv"))
    rows = csv_rows(response)

    assert rows[0] == directory[0]
    assert rows[0][-1] == "cf_crm_owner"
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["name"], r["country"], r["region"]) for r in records] == [
        ("Acme", "DE", "EMEA"),
        ("Bolt", "FR", "EMEA"),
    ]
    assert records[0]["external_id"] == "CRM-1"
    assert records[0]["tags"] == "cloud; gold"
    # Partner-entered text that a spreadsheet would run is neutralised.
    assert records[0]["cf_crm_owner"] == "'=Ada"
    assert records[1]["cf_crm_owner"] == ""
    # The same cells as the directory's export of the same partner.
    assert rows[1] == next(row for row in directory if row[2] == "Acme")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="segment-emea-partners-'
    )


def test_xlsx_has_the_same_rows_as_the_csv(vendor_client, emea):
    as_csv = csv_rows(vendor_client.get(url(emea, "csv")))

    response = vendor_client.get(url(emea, "xlsx"))
    rows = xlsx_rows(response)

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert rows[0] == as_csv[0]
    assert [[str(cell) for cell in row] for row in rows[1:]] == as_csv[1:]


def test_a_static_list_exports_its_hand_picked_partners(vendor_client):
    member = StaticListMemberFactory(partner=PartnerFactory(name="Picked"))
    PartnerFactory(name="Not picked")

    rows = xlsx_rows(vendor_client.get(url(member.segment, "xlsx")))

    assert [row[2] for row in rows[1:]] == ["Picked"]


def test_the_export_follows_the_current_data(vendor_client, emea):
    Partner.objects.filter(name="Cask").update(region="EMEA", country="GB")
    Partner.objects.filter(name="Bolt").update(region="NA", country="US")

    rows = csv_rows(vendor_client.get(url(emea, "csv")))

    assert [row[2] for row in rows[1:]] == ["Acme", "Cask"]


def test_a_channel_manager_exports_only_their_partners(client, emea):
    manager = VendorUserFactory(vendor_role="channel_manager")
    Partner.objects.filter(name="Bolt").update(channel_manager=manager)
    client.force_login(manager)

    for file_format, read in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        rows = read(client.get(url(emea, file_format)))
        assert [row[2] for row in rows[1:]] == ["Bolt"]


def test_partner_users_are_refused(client, emea):
    client.force_login(partner_user())

    assert client.get(url(emea, "csv")).status_code == 403


def test_the_api_exports_csv_and_xlsx_with_the_same_rows(client, emea):
    headers = bearer(VendorUserFactory(vendor_role="analyst"))
    base = f"/api/v1/segments/{emea.public_id}"

    as_csv = csv_rows(client.get(f"{base}/export.csv", headers=headers))
    as_xlsx = xlsx_rows(client.get(f"{base}/export.xlsx", headers=headers))

    assert [row[2] for row in as_csv[1:]] == ["Acme", "Bolt"]
    assert [[str(cell) for cell in row] for row in as_xlsx] == as_csv


def test_the_api_scopes_a_channel_managers_export(client, emea):
    manager = VendorUserFactory(vendor_role="channel_manager")
    Partner.objects.filter(name="Acme").update(channel_manager=manager)

    rows = csv_rows(
        client.get(
            f"/api/v1/segments/{emea.public_id}/export.csv", headers=bearer(manager)
        )
    )

    assert [row[2] for row in rows[1:]] == ["Acme"]


def test_the_api_refuses_query_parameters_and_unknown_segments(client, emea):
    headers = bearer(VendorUserFactory())

    filtered = client.get(
        f"/api/v1/segments/{emea.public_id}/export.csv?status=active", headers=headers
    )
    unknown = client.get(
        "/api/v1/segments/00000000-0000-0000-0000-000000000000/export.csv",
        headers=headers,
    )

    assert filtered.status_code == 422
    assert unknown.status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_export_runs_the_same_queries_for_one_row_or_many(
    vendor_client, file_format
):
    segment = SegmentFactory(rule=EMEA)
    PartnerFactory(region="EMEA")
    body(vendor_client.get(url(segment, file_format)))
    with CaptureQueriesContext(connection) as few:
        body(vendor_client.get(url(segment, file_format)))
    for _ in range(5):
        PartnerFactory(region="EMEA")

    with CaptureQueriesContext(connection) as many:
        rows = body(vendor_client.get(url(segment, file_format)))

    assert len(many) == len(few)
    assert rows
