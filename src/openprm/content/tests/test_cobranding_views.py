"""Pages: the console's zone editor and preview, the portal's list and download."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from openprm.content.choices import ActivityKind
from openprm.content.models import ContentActivity
from openprm.content.tests.cobranding_fixtures import (  # noqa: F401
    media_fixture,
    people_fixture,
)
from openprm.content.tests.factories import (
    LOGO_ZONE,
    NAME_ZONE,
    AssetVersionFactory,
    AudienceFactory,
    FileAssetFactory,
    cobrandable_asset,
)
from openprm.core.models import OutboxEvent

pytestmark = pytest.mark.django_db

EMEA_ONLY = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def download_url(asset) -> str:
    return reverse("portal:content_cobranded_download", args=[asset.public_id])


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


# --- portal


def test_the_portal_lists_the_readers_cobrandable_assets(client, people):
    mine = cobrandable_asset(
        title="EMEA brochure", audience=AudienceFactory(rule=EMEA_ONLY)
    )
    cobrandable_asset(title="Not yet", publish_at=None)
    AssetVersionFactory(asset=FileAssetFactory(title="Plain file"))
    client.force_login(people.contoso_user)

    response = client.get(reverse("portal:content_cobranded"))

    assert response.status_code == 200
    assert [asset.title for asset in response.context["assets"]] == [mine.title]
    assert download_url(mine).encode() in response.content
    assert b"Download co-branded copy" in response.content


def test_the_portal_list_costs_the_same_queries_for_more_assets(
    client, people, django_assert_num_queries
):
    for _ in range(3):
        cobrandable_asset()
    client.force_login(people.contoso_user)
    client.get(reverse("portal:content_cobranded"))  # warm the session and caches

    # session, user, memberships; the audiences, custom field types and the
    # partner row they are matched on; the assets
    with django_assert_num_queries(7):
        response = client.get(reverse("portal:content_cobranded"))

    assert len(response.context["assets"]) == 3


def test_a_partner_user_downloads_their_cobranded_copy(client, people):
    asset = cobrandable_asset()
    client.force_login(people.contoso_user)

    response = client.get(download_url(asset))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="brochure-Contoso-Reseller.pdf"'
    )
    text = PdfReader(BytesIO(body_of(response))).pages[0].extract_text()
    assert "Contoso Reseller" in text
    assert ContentActivity.objects.get().kind == ActivityKind.COBRANDED_DOWNLOAD
    assert OutboxEvent.objects.get(name="content.downloaded").payload["cobranded"]


def test_the_warm_download_reads_the_stored_copy(
    client, people, django_assert_num_queries
):
    asset = cobrandable_asset()
    client.force_login(people.contoso_user)
    first = body_of(client.get(download_url(asset)))

    # session, user, memberships; audiences, custom field types, partner row; the
    # asset; the primary contact; the cached copy; then the activity, the download
    # counter and the event inside one savepoint.
    with django_assert_num_queries(14):
        response = client.get(download_url(asset))

    assert body_of(response) == first
    assert ContentActivity.objects.count() == 2


def test_partner_a_never_gets_partner_bs_copy(client, people):
    asset = cobrandable_asset()
    client.force_login(people.fabrikam_user)
    fabrikam_copy = body_of(client.get(download_url(asset)))

    client.force_login(people.contoso_user)
    contoso_copy = body_of(client.get(download_url(asset)))

    contoso_text = PdfReader(BytesIO(contoso_copy)).pages[0].extract_text()
    assert "Contoso Reseller" in contoso_text
    assert "Fabrikam" not in contoso_text
    assert contoso_copy != fabrikam_copy


def test_outside_the_audience_the_download_is_not_found(client, people):
    asset = cobrandable_asset(audience=AudienceFactory(rule=EMEA_ONLY))
    client.force_login(people.fabrikam_user)  # an NA partner

    response = client.get(download_url(asset))

    assert response.status_code == 404
    assert ContentActivity.objects.count() == 0


def test_an_audience_for_other_roles_hides_the_download(client, people):
    asset = cobrandable_asset(audience=AudienceFactory(partner_roles=["marketing"]))
    client.force_login(people.contoso_user)  # sales

    assert client.get(download_url(asset)).status_code == 404


@pytest.mark.parametrize(
    "window",
    [
        {"publish_at": None},
        {"publish_at": timezone.now() + timedelta(days=1)},
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"is_cobrandable": False},
    ],
    ids=["draft", "scheduled", "expired", "not-cobrandable"],
)
def test_an_asset_that_is_not_live_or_not_cobrandable_is_not_found(
    client, people, window
):
    asset = cobrandable_asset(**window)
    client.force_login(people.contoso_user)

    assert client.get(download_url(asset)).status_code == 404


def test_a_missing_logo_is_explained_on_the_list(client, people):
    asset = cobrandable_asset()
    people.contoso.logo.delete(save=True)
    client.force_login(people.contoso_user)

    response = client.get(download_url(asset), follow=True)

    assert response.redirect_chain == [(reverse("portal:content_cobranded"), 302)]
    assert b"has no logo yet" in response.content
    assert ContentActivity.objects.count() == 0


def test_vendor_staff_have_no_portal_download(client, people):
    asset = cobrandable_asset()
    client.force_login(people.marketing)

    assert client.get(download_url(asset)).status_code == 403


# --- console


def editor_url(asset) -> str:
    return reverse("console:content_cobranding_edit", args=[asset.public_id])


def zone_post(*rows, is_cobrandable=True) -> dict:
    data = {
        "zones-TOTAL_FORMS": str(len(rows)),
        "zones-INITIAL_FORMS": "0",
        "zones-MIN_NUM_FORMS": "0",
        "zones-MAX_NUM_FORMS": "20",
    }
    if is_cobrandable:
        data["is_cobrandable"] = "on"
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"zones-{index}-{key}"] = str(value)
    return data


def test_the_console_lists_pdf_and_image_assets(
    client, people, django_assert_num_queries
):
    cobrandable_asset(title="Cobranded")
    AssetVersionFactory(asset=FileAssetFactory(title="Plain PDF"))
    FileAssetFactory(title="No file yet")
    client.force_login(people.analyst)

    # session, user, assets with versions and audiences
    with django_assert_num_queries(3):
        response = client.get(reverse("console:content_cobranding"))

    assert [asset.title for asset in response.context["assets"]] == [
        "Cobranded",
        "Plain PDF",
    ]


def test_the_editor_shows_the_zones_and_the_page(client, people):
    asset = cobrandable_asset()
    client.force_login(people.marketing)

    response = client.get(editor_url(asset))

    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 4  # 2 zones + 2 empty
    assert b"612 x 792" in response.content
    assert response.context["pages"][0]["zones"][0]["kind"] == "logo"


def test_marketing_saves_zones_in_the_editor(client, people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    client.force_login(people.marketing)

    response = client.post(editor_url(asset), zone_post(LOGO_ZONE, NAME_ZONE, {}))

    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.is_cobrandable is True
    assert asset.cobrand_zones == [LOGO_ZONE, NAME_ZONE]


def test_a_zone_outside_the_page_shows_on_its_row(client, people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    client.force_login(people.marketing)

    response = client.post(
        editor_url(asset), zone_post(LOGO_ZONE, {**NAME_ZONE, "y": 780})
    )

    assert response.status_code == 200
    rows = response.context["formset"].forms
    assert rows[1].non_field_errors() == ["Zone 2 lies outside page 1 (612 x 792 pt)."]
    assert b"Zone 2 lies outside page 1 (612 x 792 pt)." in response.content
    asset.refresh_from_db()
    assert asset.cobrand_zones == []


def test_a_bad_cell_shows_on_its_field(client, people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    client.force_login(people.marketing)

    response = client.post(editor_url(asset), zone_post({**NAME_ZONE, "page": 4}))

    assert response.context["formset"].forms[0].errors == {
        "page": ["Zone 1 is on page 4; the file has 2."]
    }


def test_the_preview_downloads_a_pdf_with_sample_details(client, people):
    asset = cobrandable_asset()
    client.force_login(people.marketing)

    response = client.get(
        reverse("console:content_cobranding_preview", args=[asset.public_id])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "Example Partner GmbH" in text


def test_an_analyst_may_not_open_the_editor(client, people):
    asset = cobrandable_asset()
    client.force_login(people.analyst)

    assert client.get(editor_url(asset)).status_code == 403


def test_the_editor_suggests_zones_for_an_asset_without_any(client, people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    client.force_login(people.marketing)

    response = client.get(editor_url(asset))

    suggested = [form.initial for form in response.context["formset"].initial_forms]
    assert [(row["kind"], row["field"]) for row in suggested] == [
        ("logo", None),
        ("text", "name"),
        ("text", "website"),
    ]
    asset.refresh_from_db()
    assert asset.cobrand_zones == []
