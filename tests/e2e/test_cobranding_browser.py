"""Channel marketing places the zones of a PDF in the console (a zone outside the
page is refused on its row); a partner user downloads their co-branded copy from the
portal and finds their name in it. With ``OPENPRM_SCREENSHOTS=<folder>`` the pages are
also photographed at 1366 and 390 px wide."""

import os
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from pypdf import PdfReader

from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.content.tests.factories import (
    AssetVersionFactory,
    FileAssetFactory,
    image_bytes,
)
from openprm.partners.models import Contact
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def photograph(page, name: str) -> None:
    folder = os.environ.get("OPENPRM_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def fill_row(page, number: int, **values) -> None:
    for label, value in values.items():
        field = page.get_by_label(f"{label} {number}", exact=True)
        if label in ("Kind", "Shows"):
            field.select_option(value)
        else:
            field.fill(str(value))


def test_marketing_places_zones_and_a_partner_downloads_its_copy(
    page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(email="maria@vendor.example", vendor_role="channel_marketing")
    asset = FileAssetFactory(title="Managed networks brochure")
    AssetVersionFactory(asset=asset)
    partner = PartnerFactory(name="Contoso Reseller", website="https://contoso.example")
    partner.logo.save("logo.png", ContentFile(image_bytes(size=(200, 80))), save=True)
    Contact.objects.create(partner=partner, name="Dana Seller", is_primary=True)
    MembershipFactory(partner=partner, user=UserFactory(email="dana@contoso.example"))
    page.set_viewport_size({"width": 1366, "height": 900})

    sign_in(page, "maria@vendor.example")
    page.goto("/console/content/cobranding/")
    page.get_by_role("link", name="Managed networks brochure").click()
    page.get_by_label("Partners can download a co-branded copy").check()
    fill_row(page, 1, Kind="logo", Page=1, x=36, y=720, Width=144, Height=48)
    fill_row(page, 2, Kind="text", Page=1, x=360, y=780, Width=216, Height=20)
    fill_row(page, 2, Shows="name")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_test_id("zone-error")).to_have_text(
        "Zone 2 lies outside page 1 (612 x 792 pt)."
    )
    fill_row(page, 2, y=730)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The co-branding is saved.")).to_be_visible()
    expect(page.get_by_test_id("page-drawing").first).to_contain_text("612 x 792")
    photograph(page, "console-zone-editor")

    page.context.clear_cookies()  # signed out
    sign_in(page, "dana@contoso.example")
    page.goto("/portal/content/cobranded/")
    button = page.get_by_test_id("cobranded-download")
    expect(button).to_have_text("Download co-branded copy")
    photograph(page, "portal-download")
    with page.expect_download() as download_info:
        button.click()
    download = download_info.value

    assert download.suggested_filename == "brochure-Contoso-Reseller.pdf"
    text = PdfReader(BytesIO(Path(download.path()).read_bytes())).pages[0]
    assert "Contoso Reseller" in text.extract_text()
