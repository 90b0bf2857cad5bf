import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.accounts.tests.factories import VendorUserFactory
from openprm.integrations.models import ImportJob
from openprm.partners.models import Partner

TEXT = (
    "name,partner_type,country,region,external_id\n"
    "Acme,reseller,DE,EMEA,CRM-1\n"
    "Bad,reseller,DEU,EMEA,CRM-2\n"
)


@pytest.fixture
def admin_client(client):
    client.force_login(VendorUserFactory())
    return client


@pytest.fixture
def _upload(django_capture_on_commit_callbacks):
    """Upload a file; the worker's preview runs when the upload commits."""

    def upload(client, text=TEXT, name="partners.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/console/partners/import/",
                {
                    "file": SimpleUploadedFile(
                        name, text.encode(), content_type="text/csv"
                    )
                },
            )

    return upload


@pytest.mark.django_db
def test_upload_shows_a_preview_with_each_bad_row_and_field(admin_client, _upload):
    response = _upload(admin_client)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = admin_client.get(response["Location"]).content.decode()
    assert "<td>3</td><td><code>country</code></td>" in page
    assert "Enter a two-letter ISO country code." in page
    assert Partner.objects.count() == 0
    assert (job.status, job.will_create, job.will_fail) == ("previewed", 1, 1)


@pytest.mark.django_db
def test_a_preview_in_progress_polls_with_a_progress_bar(admin_client):
    job = ImportJob.objects.create(
        created_by=VendorUserFactory(vendor_role="vendor_admin"),
        file_name="p.csv",
        done=1000,
        preview_percent=40,
    )

    html = admin_client.get(f"/console/partners/import/{job.public_id}/").content

    assert b'hx-trigger="every 2s"' in html
    assert b'aria-valuenow="40"' in html
    assert b"Checking every row: 1000 rows so far." in html


@pytest.mark.django_db
def test_a_file_of_another_type_is_refused_on_the_form(admin_client, _upload):
    response = _upload(admin_client, name="partners.pdf")

    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.django_db
def test_confirm_runs_the_import_and_the_progress_reports_it(
    admin_client, _upload, django_capture_on_commit_callbacks
):
    location = _upload(admin_client)["Location"]
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/console/partners/import/{job.public_id}/confirm/")
    fragment = admin_client.get(location, headers={"HX-Request": "true"})

    job.refresh_from_db()
    assert (job.status, job.created, job.failed) == ("done", 1, 1)
    html = fragment.content.decode()
    assert "<html" not in html
    assert "2 of 2 rows: 1 created, 0 updated, 0 unchanged, 1 failed." in html
    assert 'hx-trigger="every 2s"' not in html
    assert list(Partner.objects.values_list("name", flat=True)) == ["Acme"]


@pytest.mark.django_db
def test_a_queued_import_polls_for_progress(admin_client, _upload):
    _upload(admin_client)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="queued")

    html = admin_client.get(f"/console/partners/import/{job.public_id}/").content

    assert b'hx-trigger="every 2s"' in html
    assert b'role="progressbar"' in html


@pytest.mark.django_db
def test_confirming_twice_does_not_run_twice(
    admin_client, _upload, django_capture_on_commit_callbacks
):
    _upload(admin_client)
    job = ImportJob.objects.get()
    url = f"/console/partners/import/{job.public_id}/confirm/"
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client.post(url)

    assert callbacks == []
    assert Partner.objects.count() == 1
