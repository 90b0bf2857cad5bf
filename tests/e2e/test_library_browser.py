"""Channel marketing puts a datasheet in the library for an audience; a partner
user of that audience finds it by a word of the PDF's text, opens it and downloads
it; a partner outside the audience gets 404 on its address. Screenshots of the
console library, the portal library and the item page at 1366 and 390 px go to
/tmp/shots/library/."""

import datetime
import os
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.content.choices import AssetKind
from openprm.content.library import services
from openprm.content.tests.factories import (
    AudienceFactory,
    audience_of,
    pdf_bytes,
    pdf_upload,
    png_upload,
)
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screenshots for people to look at (not checked): $OPENPRM_SHOTS or the temp dir.
SHOTS = (
    Path(os.environ.get("OPENPRM_SHOTS", Path(tempfile.gettempdir()) / "shots"))
    / "library"
)
WIDTHS = {"desktop": 1366, "phone": 390}


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make():
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1366, "height": 900}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_marketing_publishes_a_datasheet_that_only_its_audience_finds(
    new_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    marketing = UserFactory(
        email="mia@vendor.example", vendor_role=VendorRole.CHANNEL_MARKETING
    )
    reader = MembershipFactory(
        user__email="rita@reseller.example",
        partner=PartnerFactory(name="Northwind Resellers"),
        roles=["marketing"],
    )
    outsider = MembershipFactory(user__email="otto@other.example")
    audience = audience_of(reader.partner, tag="emea-gold")
    everyone = AudienceFactory(name="Every partner")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for title, kind, extra in [
        ("Partner price list Q1", AssetKind.FILE, {"file": pdf_upload()}),
        (
            "Campaign banner",
            AssetKind.FILE,
            {"file": png_upload("banner.png"), "thumbnail": png_upload()},
        ),
        ("Partner portal guide", AssetKind.LINK, {"url": "https://example.com/guide"}),
        ("How to pitch the suite", AssetKind.PAGE, {"body": "<h2>Pitch</h2><p>Hi</p>"}),
    ]:
        services.asset_create(
            actor=marketing,
            kind=kind,
            title=title,
            summary="Everything partners need to sell the suite.",
            audience=everyone,
            tags=["sales"],
            language="en",
            product_lines=["Suite"],
            publish_at=yesterday,
            **extra,
        )
    pdf = tmp_path / "quasar-datasheet.pdf"
    pdf.write_bytes(pdf_bytes(pages=1, text="The Quasar appliance moves 10 Gbps"))

    page = new_page()
    sign_in(page, "mia@vendor.example")
    page.goto("/console/library/")
    page.get_by_role("link", name="New asset").click()
    page.get_by_label("Kind").select_option("file")
    page.get_by_label("Title").fill("Quasar datasheet")
    page.get_by_label("Summary").fill("Specifications of the Quasar appliance.")
    page.get_by_label("File", exact=True).set_input_files(str(pdf))
    page.get_by_label("Audience").select_option(str(audience.public_id))
    page.get_by_label("Tags").fill("datasheet, security")
    page.get_by_label("Product lines").fill("Firewall")
    page.get_by_label("Publish from").fill(
        (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("versions")).to_contain_text("quasar-datasheet.pdf")
    page.goto("/console/library/")
    expect(page.get_by_test_id("library-assets")).to_contain_text("Quasar datasheet")
    shoot(page, "console-library")
    page.get_by_role("link", name="Quasar datasheet").click()
    shoot(page, "console-asset")

    page = new_page()
    sign_in(page, reader.user.email)
    page.get_by_role("link", name="Library", exact=True).click()
    expect(page.get_by_test_id("library-asset")).to_have_count(5)
    shoot(page, "portal-library")
    page.get_by_label("Search").fill("quasar")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("library-asset")).to_have_count(1)
    page.get_by_role("link", name="Quasar datasheet").click()
    shoot(page, "portal-item")
    item_url = page.url
    with page.expect_download() as download:
        page.get_by_test_id("download").click()
    assert download.value.suggested_filename == "quasar-datasheet.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    page = new_page()
    sign_in(page, outsider.user.email)
    response = page.goto(item_url)
    assert response.status == 404
    page.goto("/portal/library/")
    expect(page.get_by_test_id("library-asset")).to_have_count(4)
