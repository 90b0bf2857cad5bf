import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.library import services
from openprm.content.models import (
    Asset,
    AssetVersion,
    ContentActivity,
    LibraryVisit,
    Tag,
)
from openprm.content.tests.factories import AssetFactory, pdf_upload
from openprm.content.tests.library.conftest import stored_files
from openprm.core.errors import PermissionDenied, ValidationFailed
from openprm.core.models import AuditEntry, OutboxEvent
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def counts():
    return (
        Asset.objects.count(),
        AssetVersion.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_a_pdf_asset_is_created_with_its_first_version_and_searchable_text(
    marketing, everyone
):
    asset = services.asset_create(
        actor=marketing,
        kind=AssetKind.FILE,
        title="Firewall Datasheet",
        summary="Specs for resellers",
        audience=everyone,
        tags=["Security", "datasheet"],
        file=pdf_upload(text="Throughput 10 Gbps"),
    )

    version = asset.current_version
    assert version.number == 1
    assert version.content_type == "application/pdf"
    assert version.original_name == "price-list.pdf"
    assert version.file.name.endswith(".pdf")
    assert "throughput 10 gbps" in version.text.lower()
    assert asset.search_text.startswith("firewall datasheet specs for resellers")
    assert "security" in asset.search_text and "throughput 10 gbps" in asset.search_text
    assert asset.owner == marketing
    assert asset.publish_at is None  # a draft
    assert sorted(tag.name for tag in asset.tags.all()) == ["Security", "datasheet"]
    assert list(
        OutboxEvent.objects.filter(name__startswith="content.asset").values_list(
            "name", flat=True
        )
    ) == ["content.asset_created"]
    assert OutboxEvent.objects.filter(name="content.version_added").count() == 1
    assert AuditEntry.objects.filter(verb="content.asset_created").count() == 1
    assert AuditEntry.objects.filter(verb="content.version_added").count() == 1


def test_a_new_version_replaces_the_file_and_keeps_the_history(marketing, everyone):
    asset = services.asset_create(
        actor=marketing,
        kind=AssetKind.FILE,
        title="Price list",
        audience=everyone,
        file=pdf_upload(text="Old prices"),
    )

    version = services.asset_version_add(
        actor=marketing, asset=asset, file=pdf_upload("v2.pdf", text="New prices")
    )

    asset.refresh_from_db()
    assert version.number == 2
    assert asset.current_version == version
    assert list(asset.versions.values_list("number", flat=True)) == [2, 1]
    assert "new prices" in asset.search_text
    assert "old prices" not in asset.search_text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "report.pdf",
            b"<!DOCTYPE html><html><script>steal()</script></html>",
            "Web pages (HTML) cannot be uploaded: save the page as a PDF instead.",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
            "The SVG image contains a script, an event handler or a javascript: "
            "address; remove them and upload it again.",
        ),
        ("big.pdf", b"%PDF-1.4" + b"x" * 2048, "The file is larger than 1 KB."),
    ],
)
def test_a_refused_upload_leaves_nothing_stored(
    marketing, everyone, settings, media, name, content, message
):
    settings.OPENPRM_CONTENT_UPLOAD_MAX_BYTES = 1024
    before = counts()

    with pytest.raises(ValidationFailed) as refused:
        services.asset_create(
            actor=marketing,
            kind=AssetKind.FILE,
            title="Brochure",
            audience=everyone,
            tags=["new-tag"],
            file=SimpleUploadedFile(name, content),
        )

    assert refused.value.field_errors == {"file": [message]}
    assert counts() == before
    assert Tag.objects.count() == 0
    assert stored_files(media) == []


def test_a_refused_new_version_leaves_nothing_stored(marketing, everyone, media):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)
    files = stored_files(media)
    before = counts()

    with pytest.raises(ValidationFailed):
        services.asset_version_add(
            actor=marketing,
            asset=asset,
            file=SimpleUploadedFile("v2.pdf", b"<html><body>x</body></html>"),
        )

    assert counts() == before
    assert stored_files(media) == files


def test_a_page_body_is_sanitised_when_saved(marketing, everyone):
    asset = services.asset_create(
        actor=marketing,
        kind=AssetKind.PAGE,
        title="How to sell",
        audience=everyone,
        body='<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:x()">'
        "link</a></p>",
    )

    assert "script" not in asset.body
    assert "onclick" not in asset.body
    assert "javascript" not in asset.body
    assert asset.body.startswith("<p>Hi")


def test_an_asset_must_expire_after_it_is_published(marketing, everyone):
    now = timezone.now()

    with pytest.raises(ValidationFailed) as refused:
        services.asset_create(
            actor=marketing,
            kind=AssetKind.LINK,
            title="Portal",
            url="https://example.com",
            audience=everyone,
            publish_at=now,
            expires_at=now - datetime.timedelta(days=1),
        )

    assert list(refused.value.field_errors) == ["expires_at"]


def test_a_link_needs_its_address(marketing, everyone):
    with pytest.raises(ValidationFailed) as refused:
        services.asset_create(
            actor=marketing, kind=AssetKind.LINK, title="Portal", audience=everyone
        )

    assert refused.value.field_errors == {"url": ["A link needs its address."]}


def test_an_update_is_audited_with_its_changes_and_emits_an_event(marketing):
    asset = AssetFactory(title="Old title")

    services.asset_update(
        actor=marketing, asset=asset, title="New title", tags=["promo"]
    )

    entry = AuditEntry.objects.get(verb="content.asset_updated")
    assert entry.changes["title"] == ["Old title", "New title"]
    assert AuditEntry.objects.filter(verb="content.asset_tagged").count() == 1
    assert OutboxEvent.objects.filter(name="content.asset_updated").count() == 1
    assert "promo" in Asset.objects.get(pk=asset.pk).search_text


def test_an_analyst_cannot_write_the_library(analyst, everyone):
    with pytest.raises(PermissionDenied):
        services.asset_create(
            actor=analyst,
            kind=AssetKind.LINK,
            title="x",
            url="https://example.com",
            audience=everyone,
        )
    assert counts() == (0, 0, 0, 0)


def test_a_folder_cannot_go_inside_itself(marketing):
    top = services.folder_create(actor=marketing, name="Sales")
    inner = services.folder_create(actor=marketing, name="Decks", parent=top)

    with pytest.raises(ValidationFailed) as refused:
        services.folder_update(actor=marketing, folder=top, name="Sales", parent=inner)

    assert list(refused.value.field_errors) == ["parent"]


def test_a_download_is_recorded_and_counted(everyone):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)
    membership = MembershipFactory()

    services.asset_activity_record(
        actor=membership.user,
        partner_id=membership.partner_id,
        asset=asset,
        kind=ActivityKind.DOWNLOAD,
    )

    activity = ContentActivity.objects.get()
    assert (activity.user, activity.partner_id, activity.version) == (
        membership.user,
        membership.partner_id,
        asset.current_version,
    )
    assert Asset.objects.get(pk=asset.pk).downloads == 1
    event = OutboxEvent.objects.get(name="content.downloaded")
    assert event.partner_id == membership.partner_id
    assert event.payload["asset"] == str(asset.public_id)


def test_new_since_the_last_visit_compares_with_the_visit_before():
    user = MembershipFactory().user
    first = timezone.now() - datetime.timedelta(days=2)

    assert services.library_visit_record(user=user, now=first) is None
    later = first + datetime.timedelta(minutes=5)
    assert services.library_visit_record(user=user, now=later) is None
    next_day = first + datetime.timedelta(days=1)
    assert services.library_visit_record(user=user, now=next_day) == later


def test_pages_opened_within_a_minute_do_not_write_the_visit_again():
    user = MembershipFactory().user
    first = timezone.now() - datetime.timedelta(days=2)
    services.library_visit_record(user=user, now=first)

    services.library_visit_record(user=user, now=first + datetime.timedelta(seconds=30))

    visit = LibraryVisit.objects.get(user=user)
    assert visit.last_seen_at == first
    assert visit.previous_seen_at is None


def test_a_thumbnail_must_be_an_image(marketing, everyone, media):
    with pytest.raises(ValidationFailed) as refused:
        services.asset_create(
            actor=marketing,
            kind=AssetKind.LINK,
            title="Portal",
            url="https://example.com",
            audience=everyone,
            thumbnail=SimpleUploadedFile("thumb.svg", b"<svg></svg>"),
        )

    assert list(refused.value.field_errors) == ["thumbnail"]
    assert Asset.objects.count() == 0
    assert stored_files(media) == []


def test_an_update_keeps_downloads_counted_meanwhile(marketing):
    asset = AssetFactory(title="Old title")
    Asset.objects.filter(pk=asset.pk).update(downloads=7)  # by another request

    services.asset_update(actor=marketing, asset=asset, title="New title")

    assert Asset.objects.get(pk=asset.pk).downloads == 7
