"""API: an asset's zones for vendor staff, a partner user's co-branded copy."""

from io import BytesIO

import pytest
from pypdf import PdfReader

from openprm.content.models import CobrandedCopy, ContentActivity
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


def zones_url(asset) -> str:
    return f"/api/v1/content/assets/{asset.public_id}/cobranding"


def copy_url(asset) -> str:
    return f"/api/v1/content/assets/{asset.public_id}/cobranded-copy"


def test_vendor_staff_read_the_zones_and_pages(client, people):
    asset = cobrandable_asset()
    client.force_login(people.analyst)

    response = client.get(zones_url(asset))

    assert response.status_code == 200
    body = response.json()
    assert body["is_cobrandable"] is True
    assert body["zones"] == [LOGO_ZONE, NAME_ZONE]
    assert body["unit"] == "pt"
    assert body["pages"] == [
        {"number": 1, "width": 612.0, "height": 792.0},
        {"number": 2, "width": 612.0, "height": 792.0},
    ]


def test_marketing_updates_the_zones(client, people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    client.force_login(people.marketing)

    response = client.put(
        zones_url(asset),
        {"is_cobrandable": True, "zones": [NAME_ZONE]},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["zones"] == [NAME_ZONE]
    asset.refresh_from_db()
    assert asset.is_cobrandable is True


def test_bad_zones_are_a_422_with_field_errors(client, people):
    asset = FileAssetFactory()
    AssetVersionFactory(asset=asset)
    client.force_login(people.marketing)

    response = client.put(
        zones_url(asset),
        {
            "is_cobrandable": True,
            "zones": [LOGO_ZONE, {**NAME_ZONE, "x": 600}, {**NAME_ZONE, "page": 9}],
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "zones.1", "message": "Zone 2 lies outside page 1 (612 x 792 pt)."},
        {"field": "zones.2.page", "message": "Zone 3 is on page 9; the file has 2."},
    ]


def test_an_analyst_may_not_update_the_zones(client, people):
    asset = cobrandable_asset()
    client.force_login(people.analyst)

    response = client.put(
        zones_url(asset),
        {"is_cobrandable": False, "zones": []},
        content_type="application/json",
    )

    assert response.status_code == 403


def test_a_partner_user_makes_and_downloads_their_copy(client, people):
    asset = cobrandable_asset()
    client.force_login(people.contoso_user)

    made = client.post(copy_url(asset))
    again = client.post(copy_url(asset))
    download = client.get(copy_url(asset))

    assert made.status_code == 200
    assert made.json()["made"] is True
    assert again.json()["made"] is False
    assert made.json()["partner"] == people.contoso.pk
    assert made.json()["download"] == "http://testserver" + copy_url(asset)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    body = b"".join(download.streaming_content)
    assert "Contoso Reseller" in PdfReader(BytesIO(body)).pages[0].extract_text()
    assert CobrandedCopy.objects.count() == 1
    assert ContentActivity.objects.count() == 1
    assert OutboxEvent.objects.filter(name="content.downloaded").count() == 1


def test_outside_the_audience_the_copy_is_not_found(client, people):
    asset = cobrandable_asset(audience=AudienceFactory(rule=EMEA_ONLY))
    client.force_login(people.fabrikam_user)

    assert client.post(copy_url(asset)).status_code == 404
    assert client.get(copy_url(asset)).status_code == 404
    assert CobrandedCopy.objects.count() == 0


def test_a_partner_the_caller_does_not_belong_to_is_not_found(client, people):
    asset = cobrandable_asset()
    client.force_login(people.contoso_user)

    response = client.post(copy_url(asset) + f"?partner={people.fabrikam.pk}")

    assert response.status_code == 404


def test_vendor_staff_get_no_partner_copy(client, people):
    asset = cobrandable_asset()
    client.force_login(people.marketing)

    assert client.post(copy_url(asset)).status_code == 403


def test_a_missing_logo_is_a_422_naming_the_logo(client, people):
    asset = cobrandable_asset()
    people.contoso.logo.delete(save=True)
    client.force_login(people.contoso_user)

    response = client.post(copy_url(asset))

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["logo"]
