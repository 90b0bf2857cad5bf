import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openprm.content.choices import ActivityKind, AssetKind
from openprm.content.models import Asset, ContentActivity
from openprm.content.tests.factories import AssetFactory, audience_of, pdf_upload
from openprm.content.tests.library.conftest import stored_files
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ASSETS = "/api/v1/content/assets"


@pytest.fixture
def reader(client):
    membership = MembershipFactory(roles=["marketing"])
    client.force_login(membership.user)
    return membership


def test_a_partner_user_lists_only_the_live_assets_of_their_audiences(
    client, reader, everyone, django_assert_num_queries
):
    for index in range(3):
        AssetFactory(title=f"Mine {index}", audience=audience_of(reader.partner))
    AssetFactory(title="Theirs", audience=audience_of(PartnerFactory(), tag="other"))
    AssetFactory(title="Draft", audience=everyone, publish_at=None)

    # session, user, membership; audiences (3); count, page, tags.
    with django_assert_num_queries(9):
        response = client.get(ASSETS)

    assert response.status_code == 200
    assert sorted(item["title"] for item in response.json()["items"]) == [
        "Mine 0",
        "Mine 1",
        "Mine 2",
    ]


def test_an_asset_outside_the_audience_is_not_found_in_the_api(client, reader):
    theirs = AssetFactory(
        kind=AssetKind.FILE, audience=audience_of(PartnerFactory(), tag="other")
    )

    assert client.get(f"{ASSETS}/{theirs.public_id}").status_code == 404
    assert client.get(f"{ASSETS}/{theirs.public_id}/download").status_code == 404
    assert ContentActivity.objects.count() == 0


def test_a_download_through_the_api_is_recorded(client, reader, everyone):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)

    response = client.get(f"{ASSETS}/{asset.public_id}/download")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert ContentActivity.objects.get().kind == ActivityKind.DOWNLOAD


def test_marketing_uploads_a_file_asset_and_a_new_version(client, marketing, everyone):
    client.force_login(marketing)

    created = client.post(
        f"{ASSETS}/files",
        {
            "title": "Datasheet",
            "audience": str(everyone.public_id),
            "tags": "security, sheet",
            "file": pdf_upload(text="Quasar"),
        },
    )
    asset_id = created.json()["id"]
    version = client.post(
        f"{ASSETS}/{asset_id}/versions", {"file": pdf_upload("v2.pdf")}
    )

    assert created.status_code == 201
    assert created.json()["tags"] == ["security", "sheet"]
    assert created.json()["current_version"]["number"] == 1
    assert version.status_code == 201
    assert version.json()["number"] == 2
    assert [
        item["number"] for item in client.get(f"{ASSETS}/{asset_id}/versions").json()
    ] == [2, 1]


def test_a_refused_upload_is_a_422_on_the_file_field_and_stores_nothing(
    client, marketing, everyone, media
):
    client.force_login(marketing)

    response = client.post(
        f"{ASSETS}/files",
        {
            "title": "Datasheet",
            "audience": str(everyone.public_id),
            "file": SimpleUploadedFile("sheet.pdf", b"<html><body>x</body></html>"),
        },
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "file",
            "message": "Web pages (HTML) cannot be uploaded: save the page as a PDF "
            "instead.",
        }
    ]
    assert Asset.objects.count() == 0
    assert stored_files(media) == []


def test_field_errors_of_a_link_come_back_per_field(client, marketing, everyone):
    client.force_login(marketing)

    response = client.post(
        ASSETS,
        {"kind": "link", "title": "", "audience": str(everyone.public_id)},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"title", "url"}


def test_marketing_changes_an_asset(client, marketing):
    client.force_login(marketing)
    asset = AssetFactory(title="Old")

    response = client.patch(
        f"{ASSETS}/{asset.public_id}",
        {"title": "New", "tags": ["promo"]},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["tags"]) == ("New", ["promo"])


def test_usage_by_partner_through_the_api(client, analyst, everyone):
    asset = AssetFactory(kind=AssetKind.FILE, audience=everyone)
    membership = MembershipFactory()
    ContentActivity.objects.create(
        partner=membership.partner,
        user=membership.user,
        kind=ActivityKind.DOWNLOAD,
        asset=asset,
    )
    client.force_login(analyst)

    body = client.get(f"{ASSETS}/{asset.public_id}/usage").json()

    assert (body["views"], body["downloads"]) == (0, 1)
    assert body["by_partner"][0]["partner"] == membership.partner_id
