import io

import pytest
from openpyxl import Workbook

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.integrations import services_imports
from openprm.integrations.models import ImportStatus
from openprm.partners.models import CustomFieldDefinition, Partner
from openprm.partners.tests.factories import PartnerFactory

HEADER = "name,partner_type,country,region,external_id,domains,tags,cf_crm_owner\n"
GOOD = (
    HEADER
    + "Acme,reseller,DE,EMEA,CRM-1,acme.example,cloud; gold,Ada\n"
    + "Globex,msp,FR,EMEA,CRM-2,globex.example,,\n"
)


@pytest.fixture
def admin():
    CustomFieldDefinition.objects.create(
        key="crm_owner", label="CRM owner", field_type="text"
    )
    return VendorUserFactory()


def _run(admin, text: str, name: str = "partners.csv"):
    job = services_imports.import_upload(
        actor=admin, file_name=name, content=text.encode()
    )
    services_imports.import_confirm(actor=admin, job=job)
    return services_imports.import_run(job_id=job.pk)


@pytest.mark.django_db
def test_preview_validates_every_row_and_writes_nothing(admin):
    text = HEADER + "Acme,reseller,DE,EMEA,CRM-1,,,\n" + ",reseller,XX1,MARS,,,,\n"

    job = services_imports.import_upload(
        actor=admin, file_name="p.csv", content=text.encode()
    )

    assert job.status == ImportStatus.PREVIEWED
    assert job.preview == {"2": "create", "3": "error"}
    assert [(error["row"], error["field"]) for error in job.errors] == [(3, "name")]
    assert Partner.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_run_creates_partners_with_lists_domains_and_custom_fields(admin):
    job = _run(admin, GOOD)

    assert (job.status, job.created, job.updated, job.failed) == ("done", 2, 0, 0)
    assert job.done == job.total == 2
    acme = Partner.objects.get(external_id="CRM-1")
    assert acme.tags == ["cloud", "gold"]
    assert acme.custom_fields == {"crm_owner": "Ada"}
    assert list(acme.domains.values_list("domain", flat=True)) == ["acme.example"]
    assert acme.status == "prospect"


@pytest.mark.django_db
def test_running_the_same_file_again_changes_nothing(admin):
    _run(admin, GOOD)
    audit_count = AuditEntry.objects.count()
    event_count = OutboxEvent.objects.count()

    job = _run(admin, GOOD)

    assert (job.created, job.updated, job.unchanged, job.failed) == (0, 0, 2, 0)
    assert AuditEntry.objects.count() == audit_count
    assert OutboxEvent.objects.count() == event_count
    assert Partner.objects.count() == 2


@pytest.mark.django_db
def test_rows_update_by_external_id_or_domain(admin):
    by_id = PartnerFactory(name="Old name", profile={"external_id": "CRM-1"})
    by_domain = PartnerFactory(name="Globe", domains=["globex.example"])

    job = _run(
        admin,
        HEADER
        + "Acme,reseller,DE,EMEA,CRM-1,,,\n"
        + "Globex,msp,FR,EMEA,,globex.example,,\n",
    )

    assert (job.created, job.updated) == (0, 2)
    by_id.refresh_from_db()
    by_domain.refresh_from_db()
    assert by_id.name == "Acme"
    assert by_domain.name == "Globex"


@pytest.mark.django_db
def test_a_bad_row_is_reported_by_row_and_field_and_leaves_no_partial_partner(admin):
    PartnerFactory(
        name="Taken", domains=["taken.example"], profile={"external_id": "X"}
    )
    text = (
        HEADER
        + "Acme,reseller,DE,EMEA,CRM-1,acme.example,,\n"
        + "Bad,reseller,DE,EMEA,CRM-9,acme.example taken.example,,\n"
        + "Worse,nonsense,DE,EMEA,CRM-8,,,\n"
    )

    job = _run(admin, text)

    assert (job.created, job.failed) == (1, 2)
    fields = {(error["row"], error["field"]) for error in job.errors}
    assert (4, "partner_type") in fields
    assert any(row == 3 for row, _field in fields)
    assert not Partner.objects.filter(external_id__in=["CRM-9", "CRM-8"]).exists()


@pytest.mark.django_db
def test_a_row_repeating_an_earlier_rows_external_id_fails(admin):
    text = HEADER + "A,reseller,DE,EMEA,CRM-1,,,\n" + "B,reseller,DE,EMEA,CRM-1,,,\n"

    job = _run(admin, text)

    assert (job.created, job.failed) == (1, 1)
    assert job.errors == [
        {"row": 3, "field": "external_id", "message": "Repeats row 2 of this file."}
    ]


@pytest.mark.django_db
def test_preview_flags_a_new_row_named_like_an_existing_partner(admin):
    PartnerFactory(name="Acme GmbH")

    job = services_imports.import_upload(
        actor=admin, file_name="p.csv", content=GOOD.encode()
    )

    assert job.duplicates == [{"row": 2, "partner": "Acme GmbH"}]


@pytest.mark.django_db
def test_xlsx_files_import(admin):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "partner_type", "country", "region", "external_id"])
    sheet.append(["Acme", "reseller", "DE", "EMEA", 42])
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = services_imports.import_upload(
        actor=admin, file_name="p.xlsx", content=buffer.getvalue()
    )

    assert job.preview == {"2": "create"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("p.txt", b"name\nA\n", "Upload a .csv or .xlsx file."),
        ("p.csv", b"", "The file is empty."),
        (
            "p.csv",
            b"title\nA\n",
            "The first row must name the columns, including name.",
        ),
        ("p.xlsx", b"not a zip", "The file cannot be read."),
    ],
)
def test_unreadable_files_are_refused(admin, name, content, message):
    with pytest.raises(ValidationFailed) as raised:
        services_imports.import_upload(actor=admin, file_name=name, content=content)

    assert [str(m) for m in raised.value.field_errors["file"]] == [message]


@pytest.mark.django_db
def test_vendor_staff_without_partner_rights_cannot_import():
    analyst = VendorUserFactory(vendor_role="analyst")

    with pytest.raises(PermissionDenied):
        services_imports.import_upload(
            actor=analyst, file_name="p.csv", content=GOOD.encode()
        )


@pytest.mark.django_db
def test_exported_file_imports_back_unchanged(admin, client):
    _run(admin, GOOD)
    client.force_login(admin)
    exported = b"".join(client.get("/console/partners/export.csv").streaming_content)
    audit_count = AuditEntry.objects.count()

    job = _run(admin, exported.decode())

    assert (job.created, job.updated, job.unchanged, job.failed) == (0, 0, 2, 0)
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.django_db
def test_a_crash_marks_the_import_failed_instead_of_running(admin):
    from openprm.integrations.models import ImportJob

    job = ImportJob.objects.create(
        created_by=admin, file_name="p.csv", rows=["not a row"], total=1
    )
    ImportJob.objects.filter(pk=job.pk).update(status="queued")

    with pytest.raises(AttributeError):
        services_imports.import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.finished_at is not None
