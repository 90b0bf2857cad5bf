"""A sales file uploaded through the API: checked at once (field errors on
``file``), imported by the worker with the portal's per-row report."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.currencies.tests.factories import ExchangeRateFactory
from openprm.incentives.choices import UploadStatus
from openprm.incentives.models import SalesLine, SalesUpload
from openprm.incentives.tests.factories import EarningRuleFactory, ProductFactory
from openprm.programs.tests.test_api import bearer
from openprm.tenancy.choices import PartnerRole
from openprm.tenancy.tests.factories import partner_user

pytestmark = pytest.mark.django_db
HEADER = b"invoice_number,invoice_date,end_customer,sku,quantity,amount,currency\n"
ROWS = b"INV-1,2026-03-02,Acme,SKU-A,2,200,USD\nINV-2,2026-03-02,Acme,BAD,1,1,USD\n"


@pytest.fixture
def seller():
    ExchangeRateFactory(
        currency="USD", rate=Decimal("0.9"), valid_from=datetime.date(2020, 1, 1)
    )
    EarningRuleFactory(product=ProductFactory(sku="SKU-A"), points=Decimal(10))
    user = partner_user(roles=[PartnerRole.SALES])
    return user, user.memberships.get().partner


def _file(body=HEADER + ROWS, name="sales.csv"):
    return SimpleUploadedFile(name, body, content_type="text/csv")


def test_a_partner_uploads_a_file_and_reads_its_report(
    client, seller, django_capture_on_commit_callbacks
):
    user, partner = seller
    headers = bearer(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/sales/uploads", {"file": _file()}, headers=headers
        )
    assert response.status_code == 201, response.content
    upload_id = response.json()["id"]
    report = client.get(f"/api/v1/sales/uploads/{upload_id}", headers=headers).json()
    assert report["status"] == UploadStatus.DONE
    assert (report["rows_imported"], report["rows_failed"]) == (1, 1)
    assert report["points_earned"] == 20
    assert [(i["row"], i["column"]) for i in report["issues"]] == [(3, "sku")]
    assert SalesLine.objects.get().partner == partner


def test_vendor_staff_name_the_partner(
    client, seller, django_capture_on_commit_callbacks
):
    _user, partner = seller
    headers = bearer(VendorUserFactory())
    refused = client.post("/api/v1/sales/uploads", {"file": _file()}, headers=headers)
    assert refused.status_code == 422
    assert "partner" in str(refused.json()["errors"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/sales/uploads",
            {"file": _file(), "partner": str(partner.public_id)},
            headers=headers,
        )
    assert response.status_code == 201, response.content
    assert SalesUpload.objects.get().partner == partner


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"file": _file(name="sales.pdf")},
        {"file": _file(body=b"invoice_number,sku\nINV-1,SKU-A\n")},
    ],
)
def test_a_file_refused_at_once_is_a_field_error_and_stores_nothing(
    client, seller, files
):
    user, _partner = seller
    response = client.post("/api/v1/sales/uploads", files, headers=bearer(user))
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert "file" in str(response.json()["errors"])
    assert SalesUpload.objects.count() == 0
