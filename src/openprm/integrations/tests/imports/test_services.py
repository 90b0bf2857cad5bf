import datetime
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.integrations.imports import services as services_imports
from openprm.integrations.imports import writing as import_writer
from openprm.integrations.models import ImportIssue, ImportJob, ImportKey, ImportStatus
from openprm.partners.models import Contact, CustomFieldDefinition, Partner
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


def _upload(admin, content, name="partners.csv"):
    if isinstance(content, str):
        content = content.encode()
    return services_imports.import_upload(
        actor=admin, file_name=name, upload=io.BytesIO(content)
    )


def _preview(admin, content, name="partners.csv"):
    job = _upload(admin, content, name)
    return services_imports.import_preview(job_id=job.pk)


def _run(admin, content, name="partners.csv"):
    job = _preview(admin, content, name)
    services_imports.import_confirm(actor=admin, job=job)
    return services_imports.import_run(job_id=job.pk)


def _issues(job, kind="error"):
    return list(
        ImportIssue.objects.filter(job=job, kind=kind)
        .order_by("row", "id")
        .values_list("row", "field", "message")
    )


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
def test_upload_stores_the_file_and_waits_for_the_worker(admin):
    job = _upload(admin, GOOD)

    assert job.status == ImportStatus.PREVIEWING
    assert job.file_size == len(GOOD)
    assert job.percent == 0
    assert Partner.objects.count() == 0


@pytest.mark.django_db
def test_preview_validates_every_row_and_writes_nothing(admin):
    text = (
        HEADER
        + "Acme,reseller,DE,EMEA,CRM-1,,,\n"
        + ",reseller,XX1,MARS,,,,\n"
        + "Bad domain,reseller,DE,EMEA,,not a domain,,\n"
    )

    job = _preview(admin, text)

    assert job.status == ImportStatus.PREVIEWED
    assert (job.total, job.will_create, job.will_fail) == (3, 1, 2)
    assert job.percent == 100
    assert [(row, field) for row, field, _m in _issues(job)] == [
        (3, "name"),
        (3, "country"),
        (3, "region"),
        (4, "domains"),
    ]
    assert Partner.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db
def test_preview_checks_custom_fields_choices_and_required_columns(admin):
    CustomFieldDefinition.objects.create(
        key="tier_hint", label="Tier", field_type="choice", choices=["a", "b"]
    )
    CustomFieldDefinition.objects.create(
        key="since", label="Since", field_type="date", is_required=True
    )
    text = (
        "name,partner_type,country,region,cf_tier_hint,cf_since,employee_band\n"
        "Acme,reseller,DE,EMEA,a,2020-01-01,11-50\n"
        "Globex,reseller,DE,EMEA,z,2020-01-01,\n"
        "Initech,reseller,DE,EMEA,b,,\n"
        "Umbrella,seller,DE,EMEA,a,2020-01-01,huge\n"
        "Hooli,reseller,DE,,a,2020-01-01,\n"
    )

    job = _preview(admin, text)

    assert [(row, field) for row, field, _m in _issues(job)] == [
        (3, "custom_fields.tier_hint"),
        (4, "custom_fields.since"),
        (5, "partner_type"),
        (5, "employee_band"),
        (6, "region"),
    ]
    assert (job.will_create, job.will_fail) == (1, 4)


@pytest.mark.django_db
def test_run_creates_partners_with_lists_domains_contacts_and_custom_fields(admin):
    text = (
        "name,partner_type,country,region,external_id,domains,tags,cf_crm_owner,"
        "contact_name,contact_email\n"
        "Acme,reseller,DE,EMEA,CRM-1,acme.example,cloud;gold,Ada,Ann,ANN@acme.example\n"
        "Globex,msp,FR,EMEA,CRM-2,globex.example,,,,\n"
    )

    job = _run(admin, text)

    assert (job.status, job.created, job.updated, job.failed) == ("done", 2, 0, 0)
    assert job.done == job.total == 2
    acme = Partner.objects.get(external_id="CRM-1")
    assert acme.tags == ["cloud", "gold"]
    assert acme.custom_fields == {"crm_owner": "Ada"}
    assert acme.path == f"/{acme.pk}/"
    assert acme.partner_types == ["reseller"]
    assert list(acme.domains.values_list("domain", flat=True)) == ["acme.example"]
    assert acme.status == "prospect"
    contact = Contact.objects.get(partner=acme)
    assert (contact.name, contact.email, contact.is_primary) == (
        "Ann",
        "ann@acme.example",
        True,
    )
    # Each new partner and contact has its audit entry and event.
    assert AuditEntry.objects.filter(object_type="partners.partner").count() == 2
    assert AuditEntry.objects.filter(object_type="partners.contact").count() == 1
    entry = AuditEntry.objects.get(
        object_id=str(acme.pk), object_type="partners.partner"
    )
    assert entry.actor == admin
    assert entry.verb == "partner.created"  # as partner_create records it
    assert AuditEntry.objects.get(object_type="partners.contact").verb == (
        "partner.contact_created"
    )
    assert entry.changes["domains"] == [None, ["acme.example"]]
    assert entry.changes["name"] == [None, "Acme"]
    names = sorted(OutboxEvent.objects.values_list("name", flat=True))
    assert names == ["partner.contact_created", "partner.created", "partner.created"]
    event = OutboxEvent.objects.get(name="partner.created", partner_id=acme.pk)
    assert event.payload["external_id"] == "CRM-1"
    assert not ImportKey.objects.filter(job=job).exists()
    assert not job.file  # the uploaded file is deleted once imported


@pytest.mark.django_db
def test_running_the_same_file_again_changes_nothing(admin):
    text = GOOD.replace("tags,cf_crm_owner\n", "tags,cf_crm_owner,contact_name\n")
    text = text.replace(",Ada\n", ",Ada,Ann\n").replace(",,\n", ",,,\n")
    _run(admin, text)
    counts = (Partner.objects.count(), Contact.objects.count())
    audit_count = AuditEntry.objects.count()
    event_count = OutboxEvent.objects.count()

    job = _run(admin, text)

    assert (job.created, job.updated, job.unchanged, job.failed) == (0, 0, 2, 0)
    assert (Partner.objects.count(), Contact.objects.count()) == counts
    assert AuditEntry.objects.count() == audit_count
    assert OutboxEvent.objects.count() == event_count


@pytest.mark.django_db
def test_rows_update_by_external_id_or_domain(admin):
    by_id = PartnerFactory(name="Old name", profile={"external_id": "CRM-1"})
    by_domain = PartnerFactory(name="Globe", domains=["globex.example", "old.example"])

    job = _run(
        admin,
        HEADER
        + "Acme,reseller,DE,EMEA,CRM-1,,,\n"
        + "Globex,msp,FR,EMEA,,globex.example; new.example,,\n",
    )

    assert (job.created, job.updated) == (0, 2)
    by_id.refresh_from_db()
    by_domain.refresh_from_db()
    assert by_id.name == "Acme"
    assert by_domain.name == "Globex"
    assert sorted(by_domain.domains.values_list("domain", flat=True)) == [
        "globex.example",
        "new.example",
    ]
    entry = AuditEntry.objects.get(object_id=str(by_domain.pk), verb="partner.updated")
    assert entry.changes["name"] == ["Globe", "Globex"]
    assert entry.changes["domains"] == [
        ["globex.example", "old.example"],
        ["globex.example", "new.example"],
    ]
    event = OutboxEvent.objects.get(name="partner.updated", partner_id=by_domain.pk)
    assert "domains" in event.payload["changed"]


@pytest.mark.django_db
def test_an_update_keeps_the_status_and_merges_custom_fields(admin):
    CustomFieldDefinition.objects.create(key="size", label="Size", field_type="number")
    partner = PartnerFactory(
        status="active",
        profile={"external_id": "CRM-1", "custom_fields": {"size": 3}},
    )

    job = _run(
        admin,
        "name,partner_type,country,region,external_id,status,cf_crm_owner\n"
        f"{partner.name},reseller,DE,EMEA,CRM-1,prospect,Ada\n",
    )

    assert job.updated == 1
    partner.refresh_from_db()
    assert partner.status == "active"
    assert partner.custom_fields == {"size": 3, "crm_owner": "Ada"}


@pytest.mark.django_db
def test_a_bad_row_is_reported_by_row_and_field_and_leaves_no_partial_partner(admin):
    taken = PartnerFactory(name="Taken", profile={"external_id": "X"})
    PartnerFactory(name="Other", domains=["other.example"])
    text = (
        "name,partner_type,country,region,external_id,domains,contact_name,"
        "contact_email\n"
        "Acme,reseller,DE,EMEA,CRM-1,acme.example,Ann,ann@acme.example\n"
        "Bad,reseller,DE,EMEA,X,bad.example; other.example,Bob,bob@bad.example\n"
        "Worse,nonsense,DE,EMEA,CRM-8,worse.example,Carl,carl@worse.example\n"
        "Worst,reseller,DE,EMEA,CRM-7,worst.example,Dan,not-an-email\n"
    )
    audit_before = AuditEntry.objects.count()
    events_before = OutboxEvent.objects.count()

    job = _run(admin, text)

    assert (job.created, job.failed) == (1, 3)
    assert _issues(job) == [
        (3, "domains", "Already used by another partner: other.example."),
        (4, "partner_type", "Choose one of the partner types."),
        (5, "contact_email", "Enter a valid email address."),
    ]
    assert not Partner.objects.filter(external_id__in=["CRM-8", "CRM-7"]).exists()
    taken.refresh_from_db()
    assert taken.name == "Taken"
    assert not taken.domains.exists()
    assert list(Contact.objects.values_list("name", flat=True)) == ["Ann"]
    assert AuditEntry.objects.count() == audit_before + 2  # Acme and Ann only
    assert OutboxEvent.objects.count() == events_before + 2


@pytest.mark.django_db
def test_a_row_repeating_an_earlier_rows_external_id_or_domain_fails(admin):
    text = (
        HEADER
        + "A,reseller,DE,EMEA,CRM-1,a.example,,\n"
        + "B,reseller,DE,EMEA,CRM-1,,,\n"
        + "C,reseller,DE,EMEA,CRM-3,a.example,,\n"
    )

    job = _preview(admin, text)
    assert _issues(job) == [
        (3, "external_id", "Repeats row 2 of this file."),
        (4, "domains", "Repeats row 2 of this file."),
    ]
    services_imports.import_confirm(actor=admin, job=job)
    job = services_imports.import_run(job_id=job.pk)

    assert (job.created, job.failed) == (1, 2)
    assert _issues(job) == [
        (3, "external_id", "Repeats row 2 of this file."),
        (4, "domains", "Repeats row 2 of this file."),
    ]


@pytest.mark.django_db
def test_repeats_are_found_across_batches(admin, monkeypatch):
    monkeypatch.setattr(import_writer, "BATCH_SIZE", 2)
    text = HEADER + "".join(f"P{n},reseller,DE,EMEA,CRM-{n % 3},,,\n" for n in range(5))

    job = _preview(admin, text)

    assert (job.will_create, job.will_fail) == (3, 2)
    assert [row for row, _f, _m in _issues(job)] == [5, 6]


@pytest.mark.django_db
def test_preview_flags_a_new_row_named_like_an_existing_partner(admin):
    PartnerFactory(name="Acme GmbH")

    job = _preview(admin, GOOD)

    assert _issues(job, "duplicate") == [
        (2, "name", "Looks like Acme GmbH, already a partner.")
    ]


@pytest.mark.django_db
def test_xlsx_files_import(admin):
    content = _xlsx(
        [
            ["name", "partner_type", "country", "region", "external_id", "cf_since"],
            ["Acme", "reseller", "DE", "EMEA", 42, datetime.datetime(2020, 5, 1)],
            [None, None, None, None, None, None],
            ["Bad", "reseller", "DE", "MARS", 43, None],
        ]
    )
    CustomFieldDefinition.objects.create(key="since", label="Since", field_type="date")

    job = _run(admin, content, name="p.xlsx")

    assert (job.created, job.failed) == (1, 1)
    assert Partner.objects.get().external_id == "42"
    assert Partner.objects.get().custom_fields == {"since": "2020-05-01"}
    assert _issues(job) == [(4, "region", "Choose one of the regions.")]


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
        ("p.csv", b"\xff\xfename\n", "The file cannot be read."),
    ],
)
def test_unreadable_files_are_refused(admin, name, content, message):
    with pytest.raises(ValidationFailed) as raised:
        _upload(admin, content, name)

    assert [str(m) for m in raised.value.field_errors["file"]] == [message]
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_too_many_rows_fail_the_preview(admin, settings):
    settings.OPENPRM_IMPORT_MAX_ROWS = 1

    job = _preview(admin, GOOD)

    assert job.status == ImportStatus.FAILED
    assert job.file_error == "At most 1 rows per file."


@pytest.mark.django_db
def test_vendor_staff_without_partner_rights_cannot_import():
    analyst = VendorUserFactory(vendor_role="analyst")

    with pytest.raises(PermissionDenied):
        _upload(analyst, GOOD)


@pytest.mark.django_db
def test_an_import_runs_once(admin):
    job = _preview(admin, GOOD)
    services_imports.import_confirm(actor=admin, job=job)

    with pytest.raises(InvalidTransition):
        services_imports.import_confirm(actor=admin, job=job)


@pytest.mark.django_db
def test_exported_file_imports_back_unchanged(admin, client):
    _run(admin, GOOD)
    client.force_login(admin)
    exported = b"".join(client.get("/console/partners/export.csv").streaming_content)
    audit_count = AuditEntry.objects.count()

    job = _run(admin, exported)

    assert (job.created, job.updated, job.unchanged, job.failed) == (0, 0, 2, 0)
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.django_db
def test_progress_is_saved_after_each_batch(admin, monkeypatch):
    monkeypatch.setattr(import_writer, "BATCH_SIZE", 2)
    seen = []
    real = import_writer.run_batch

    def spy(ctx, rows):
        seen.append(ImportJob.objects.get(pk=ctx.job.pk).done)
        return real(ctx, rows)

    monkeypatch.setattr(import_writer, "run_batch", spy)
    text = HEADER + "".join(f"P{n},reseller,DE,EMEA,,,,\n" for n in range(5))

    job = _run(admin, text)

    assert seen == [0, 2, 4]
    assert (job.done, job.total, job.percent, job.created) == (5, 5, 100, 5)


@pytest.mark.django_db
def test_a_crash_marks_the_import_failed_instead_of_running(admin, monkeypatch):
    job = _preview(admin, GOOD)
    services_imports.import_confirm(actor=admin, job=job)

    def crash(ctx, rows):
        raise RuntimeError("boom")

    monkeypatch.setattr(import_writer, "run_batch", crash)
    with pytest.raises(RuntimeError):
        services_imports.import_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == "failed"
    assert job.finished_at is not None


@pytest.mark.django_db
def test_a_row_the_database_refuses_fails_alone(admin, monkeypatch):
    """The database refuses a batch (another writer got in the way): the batch is
    written again row by row, and only the refused row fails, leaving nothing."""
    from django.db import IntegrityError

    job = _preview(admin, GOOD)
    services_imports.import_confirm(actor=admin, job=job)
    real = import_writer.write
    calls = []

    def refusing(ctx, rows):
        calls.append([row.number for row in rows])
        written = real(ctx, rows)
        if any(row.number == 3 for row in rows):
            raise IntegrityError("taken meanwhile")
        return written

    monkeypatch.setattr(import_writer, "write", refusing)
    job = services_imports.import_run(job_id=job.pk)

    assert calls == [[2, 3], [2], [3]]
    assert (job.created, job.failed) == (1, 1)
    assert _issues(job) == [
        (3, "", "Another change to the same partner got there first.")
    ]
    assert list(Partner.objects.values_list("external_id", flat=True)) == ["CRM-1"]
    assert not Partner.objects.filter(domains__domain="globex.example").exists()
    assert AuditEntry.objects.count() == 1
    assert OutboxEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_row_matching_a_partner_created_meanwhile_updates_it(admin, monkeypatch):
    job = _preview(admin, GOOD)
    services_imports.import_confirm(actor=admin, job=job)
    PartnerFactory(name="Globe", domains=["globex.example"])

    job = services_imports.import_run(job_id=job.pk)

    assert (job.created, job.updated) == (1, 1)
    assert Partner.objects.get(domains__domain="globex.example").name == "Globex"


@pytest.mark.django_db
@pytest.mark.parametrize("phase", ["preview", "run"])
def test_queries_per_batch_do_not_grow_with_rows(admin, phase):
    def batch(start, size):
        return [
            (
                number,
                {
                    "name": f"P{number}",
                    "partner_type": "reseller",
                    "country": "DE",
                    "region": "EMEA",
                    "external_id": f"X-{number}",
                    "domains": f"p{number}.example",
                    "contact_name": "Ann",
                    "cf_crm_owner": "Ada",
                },
            )
            for number in range(start, start + size)
        ]

    job = _upload(admin, GOOD)
    services_imports.import_preview(job_id=job.pk)
    ctx = import_writer.ImportContext(actor=admin, job=job)
    ctx.lookalike("x", "")  # the index is built once per import
    step = (
        import_writer.preview_batch if phase == "preview" else import_writer.run_batch
    )

    def count(start, size):
        with CaptureQueriesContext(connection) as queries:
            step(ctx, batch(start, size))
        return len(queries)

    # SQLite: Django splits an INSERT at 999 parameters (about 30 partners), so
    # the sizes compared stay below that there; PostgreSQL takes any size.
    large = 30 if connection.vendor == "sqlite" else 200
    assert count(1000, 5) == count(2000, large)
    # Updates of the same partners (run) or re-checks (preview): constant too.
    assert count(1000, 5) == count(2000, large)


@pytest.mark.django_db
def test_websites_are_checked_and_completed(admin):
    text = (
        "name,partner_type,country,region,website\n"
        "Acme,reseller,DE,EMEA,acme.example\n"
        "Bad,reseller,DE,EMEA,http://exa mple\n"
    )

    job = _run(admin, text)

    assert _issues(job) == [(3, "website", "Enter a valid web address.")]
    assert Partner.objects.get().website == "https://acme.example"


@pytest.mark.parametrize(
    "website",
    [
        "p1.example",
        "https://a-b.co.uk/x/y",
        "http://x.example/",
        "https://-bad.example",
        "https://a..b",
        "https://exa mple",
        "https://p1.example/path?q=1",
        "https://EXAMPLE.com",
        "ftp://files.example",
    ],
)
def test_the_website_check_agrees_with_the_partner_services(website):
    from openprm.integrations.imports.writing import _clean_website, _Row
    from openprm.partners.services import clean_profile

    row = _Row(number=2, raw={}, data={})
    _clean_website(row, website)
    try:
        expected = clean_profile({"website": website})[0]["website"], {}
    except ValidationFailed as error:
        expected = row.cleaned["website"], error.field_errors

    assert (row.cleaned["website"], row.errors) == expected


@pytest.mark.django_db
def test_memory_does_not_grow_with_the_file(admin, monkeypatch):
    """Rows are streamed and issues stored a batch at a time: checking and writing
    a file four times longer takes no more memory (tracemalloc peak)."""
    import gc
    import tracemalloc

    monkeypatch.setattr(import_writer, "BATCH_SIZE", 250)
    # The test's transaction never commits, so the callbacks each batch registers
    # on commit (its event ids, for the worker) would pile up for the whole file;
    # a real run commits every batch and runs them.
    enqueued = []
    monkeypatch.setattr(services_imports, "_enqueue_events", enqueued.extend)

    def peak(rows: int, offset: int) -> int:
        # Each measurement starts from the same database: what the previous one
        # imported is rolled back, so only the file's length differs (the lookalike
        # check holds the existing partners' names, which grow with the database).
        savepoint = transaction.savepoint()
        try:
            return _peak(rows, offset)
        finally:
            transaction.savepoint_rollback(savepoint)

    def _peak(rows: int, offset: int) -> int:
        text = HEADER + "".join(
            f"P{n},reseller,DE,EMEA,X-{n},p{n}.example,cloud,Ada\n"
            f"Bad{n},reseller,DE,MARS,,,,\n"
            for n in range(offset, offset + rows // 2)
        )
        job = _upload(admin, text)
        enqueued.clear()
        # CPython keeps up to 2,000 freed tuples of each length up to 20 for reuse
        # and empties these lists at each full collection. psycopg frees one
        # parameter tuple per row written, so without this the peak would count
        # how far the lists had filled when the last full collection happened
        # (it grew 1.5x for a 4x file on PostgreSQL). Filled beforehand, with
        # automatic collection paused (so nothing cyclic is freed for us either),
        # reused tuples are not allocations and the peak is the import's own.
        gc.collect()
        gc.disable()
        filler = [
            (*range(length), object()) for length in range(20) for _ in range(2000)
        ]
        del filler
        tracemalloc.start()
        try:
            job = services_imports.import_preview(job_id=job.pk)
            services_imports.import_confirm(actor=admin, job=job)
            job = services_imports.import_run(job_id=job.pk)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            gc.enable()
            assert (job.created, job.failed) == (rows // 2, rows // 2)
            assert len(enqueued) == rows // 2  # one partner.created event a row

    peak(500, 0)  # warm up caches and imports
    small = peak(1000, 10_000)
    large = peak(4000, 20_000)

    assert large < small * 1.15, (small, large)


@pytest.mark.django_db
def test_keys_and_errors_are_deleted_a_chunk_at_a_time(admin, monkeypatch):
    """SQLite holds every row id one DELETE removes until it ends, so deleting a
    million-row file's keys at once took some 50 MB: no DELETE of the import may
    remove more than ``DELETE_CHUNK`` rows, and every key and old error still goes."""
    monkeypatch.setattr(services_imports, "DELETE_CHUNK", 25)
    text = HEADER + "".join(
        f"P{n},reseller,DE,EMEA,X-{n},p{n}.example,,\nBad{n},reseller,DE,MARS,,,,\n"
        for n in range(60)
    )
    job = _preview(admin, text)
    assert ImportKey.objects.filter(job=job).count() == 120
    assert len(_issues(job)) == 60
    deleted = []

    def count_deletes(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("DELETE"):
            deleted.append(context["cursor"].rowcount)
        return result

    services_imports.import_confirm(actor=admin, job=job)
    with connection.execute_wrapper(count_deletes):
        job = services_imports.import_run(job_id=job.pk)

    assert (job.created, job.failed) == (60, 60)
    assert not ImportKey.objects.filter(job=job).exists()
    assert len(_issues(job)) == 60  # the run's own errors replace the preview's
    assert max(deleted) <= 25
    assert sum(deleted) == 120 + 60


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["vendor_admin", "channel_manager"])
def test_new_partners_audit_entry_and_event_hold_every_value(admin, role):
    """The audit changes and event payload that the import writes as JSON text
    are what ``json.dumps`` writes of the same values: every audited field (the
    defaults of columns the file lacks too), every column the file has, in order."""
    import json

    from openprm.core import audit
    from openprm.partners import services as partner_services

    importer = VendorUserFactory(vendor_role=role)
    text = (
        "name,partner_type,partner_types,country,region,website,latitude,"
        "longitude,industries,tags,languages,external_id,domains,cf_crm_owner\n"
        'Société "Générale",msp,reseller;msp,FR,EMEA,sg.example,48.85,2.35,'
        "retail;finance,café; gold,fr;de,X-1,sg.example;www.SG2.example,Zoë\n"
        "Plain,reseller,,DE,EMEA,,,,,,,,,\n"
    )

    job = _run(importer, text)

    assert (job.created, job.failed) == (2, 0), _issues(job)
    file_columns = [
        "name",
        "partner_type",
        "partner_types",
        "website",
        "country",
        "region",
        "latitude",
        "longitude",
        "industries",
        "languages",
        "tags",
        "external_id",
    ]
    for partner in Partner.objects.order_by("pk"):
        names = [*partner_services.AUDITED_FIELDS]
        names += [name for name in file_columns if name not in names]
        names += ["custom_fields", "status"]
        if role == "channel_manager":
            names.append("channel_manager")
        expected = {
            name: [None, audit.json_value(getattr(partner, name))]
            for name in dict.fromkeys(names)
        }
        if partner.channel_manager_id:
            expected["channel_manager"] = [None, importer.pk]
        domains = list(partner.domains.order_by("pk").values_list("domain", flat=True))
        if domains:
            expected["domains"] = [None, domains]
        entry = AuditEntry.objects.get(
            object_type="partners.partner", object_id=str(partner.pk)
        )
        assert entry.changes == expected
        event = OutboxEvent.objects.get(name="partner.created", partner_id=partner.pk)
        assert event.payload == json.loads(
            json.dumps(partner_services.partner_payload(partner))
        )
        if connection.vendor == "sqlite":  # the stored text itself
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT changes FROM core_auditentry WHERE id = %s", [entry.pk]
                )
                stored = cursor.fetchone()[0]
            assert json.loads(stored) == expected
            assert stored == json.dumps(json.loads(stored))  # json.dumps's text


def test_id_ranges_are_runs_of_consecutive_ids():
    from openprm.integrations.tasks import id_ranges

    assert id_ranges([]) == []
    assert id_ranges([7, 3, 4, 5, 9, 10]) == [[3, 5], [7, 7], [9, 10]]


@pytest.mark.django_db
def test_an_import_hands_every_event_to_the_worker(
    admin, django_capture_on_commit_callbacks
):
    """Each batch queues one task with its events' id runs; the task fans out
    every one of them (and still takes plain ids, as queued before)."""
    from openprm.integrations.tasks import deliver_import_events

    rows = "".join(f"P{n},reseller,DE,EMEA,X-{n},p{n}.example,,\n" for n in range(5))
    with django_capture_on_commit_callbacks(execute=True):
        job = _run(admin, HEADER + rows)

    assert job.created == 5
    events = OutboxEvent.objects.filter(name="partner.created")
    assert events.count() == 5
    assert not events.filter(fanned_out_at__isnull=True).exists()

    PartnerFactory()  # its event, left for the task below
    event = OutboxEvent.objects.get(fanned_out_at__isnull=True)
    deliver_import_events.call([event.pk])
    event.refresh_from_db()
    assert event.fanned_out_at is not None
