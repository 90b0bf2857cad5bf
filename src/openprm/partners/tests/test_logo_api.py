import pytest

from openprm.partners.tests import profile_helpers
from openprm.partners.tests.profile_helpers import (
    fake_png_upload,
    png_upload,
    world_state,
)
from openprm.tenancy.tests.test_team_api import bearer

cast = profile_helpers.cast
pytestmark = pytest.mark.django_db


def _upload(client, user, partner, upload=None):
    data = {"logo": upload} if upload is not None else {}
    return client.post(
        f"/api/v1/partners/{partner.public_id}/logo", data, headers=bearer(user)
    )


def test_a_partner_admin_uploads_and_removes_their_logo(client, cast):
    response = _upload(client, cast.reseller_admin, cast.reseller, png_upload())

    assert response.status_code == 200, response.content
    assert response.json()["logo"].endswith(f"{cast.reseller.public_id}.png")
    cast.reseller.refresh_from_db()
    assert cast.reseller.logo.name == f"partners/logos/{cast.reseller.public_id}.png"

    removed = client.delete(
        f"/api/v1/partners/{cast.reseller.public_id}/logo",
        headers=bearer(cast.reseller_admin),
    )

    assert removed.status_code == 204
    cast.reseller.refresh_from_db()
    assert not cast.reseller.logo


@pytest.mark.parametrize(
    "upload",
    [
        fake_png_upload,
        lambda: png_upload(name="a.gif", image_format="GIF"),
        lambda: None,
    ],
    ids=["not-an-image", "gif", "missing"],
)
def test_a_bad_logo_is_a_field_error_and_changes_nothing(client, cast, upload):
    before = world_state()

    response = _upload(client, cast.vendor_admin, cast.reseller, upload())

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["logo"]
    assert world_state() == before


def test_a_logo_over_the_size_limit_is_refused(client, cast, settings):
    settings.OPENPRM_LOGO_MAX_BYTES = 100
    before = world_state()

    response = _upload(client, cast.vendor_admin, cast.reseller, png_upload())

    assert response.status_code == 422
    assert "at most" in response.json()["errors"][0]["message"]
    assert world_state() == before


def test_someone_who_only_reads_the_partner_cannot_upload(client, cast):
    before = world_state()

    response = _upload(client, cast.distributor_admin, cast.reseller, png_upload())

    assert response.status_code == 403
    assert world_state() == before
