import csv
import io

import pytest
from openpyxl import load_workbook

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.partners.models import CustomFieldDefinition
from openprm.partners.tests.factories import PartnerFactory


@pytest.fixture
def vendor_client(client):
    client.force_login(VendorUserFactory())
    return client


def _csv_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.django_db
def test_csv_export_streams_the_filtered_list_with_custom_fields(vendor_client):
    CustomFieldDefinition.objects.create(
        key="crm_owner", label="CRM owner", field_type="text"
    )
    PartnerFactory(
        name="Acme",
        status="active",
        profile={
            "tags": ["cloud", "gold"],
            "external_id": "CRM-1",
            "custom_fields": {"crm_owner": "Ada"},
        },
    )
    PartnerFactory(name="Globex", status="prospect")

    response = vendor_client.get("/console/partners/export.csv?status=active")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="partners-')
    rows = _csv_rows(response)
    assert [row["name"] for row in rows] == ["Acme"]
    assert rows[0]["external_id"] == "CRM-1"
    assert rows[0]["tags"] == "cloud; gold"
    assert rows[0]["cf_crm_owner"] == "Ada"


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(vendor_client):
    PartnerFactory(name='=HYPERLINK("http://evil")')

    rows = _csv_rows(vendor_client.get("/console/partners/export.csv"))

    assert rows[0]["name"] == '\'=HYPERLINK("http://evil")'


@pytest.mark.django_db
def test_xlsx_export_has_a_header_and_one_row_per_partner(vendor_client):
    PartnerFactory(name="Acme", country="FR")
    PartnerFactory(name="Globex", country="DE")

    response = vendor_client.get("/console/partners/export.xlsx?sort=country")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][:3] == ["id", "external_id", "name"]
    assert [row[2] for row in values[1:]] == ["Globex", "Acme"]


@pytest.mark.django_db
def test_export_is_scoped_like_the_directory(client):
    manager = VendorUserFactory(vendor_role="channel_manager")
    PartnerFactory(name="Mine", channel_manager=manager)
    PartnerFactory(name="Theirs")
    client.force_login(manager)

    rows = _csv_rows(client.get("/console/partners/export.csv"))

    assert [row["name"] for row in rows] == ["Mine"]
