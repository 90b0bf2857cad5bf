"""Issue 13's whole path: channel marketing uploads a co-brandable PDF for "Gold and
above, EMEA resellers" and places its zones; a Gold EMEA reseller's user finds it in
the library and downloads its co-branded copy (the PDF holds the partner's name); a
Silver EMEA reseller and a Gold North American one do not see it, and its address
answers 404 for them."""

import datetime
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from openprm.content.tests.factories import image_bytes, pdf_bytes
from openprm.partners.tests.factories import PartnerFactory
from openprm.programs.tests.factories import EnrolmentFactory, programme_with_tiers
from openprm.segments.audiences import services as audience_services
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GOLD = "Gold"
GOLD_EMEA_RESELLERS = {
    "all": [
        {
            "field": "tier",
            "op": "gte",
            "value": {"programme": "resell", "tier": "Gold"},
        },
        {"field": "region", "op": "eq", "value": "EMEA"},
        {"field": "partner_type", "op": "eq", "value": "reseller"},
    ]
}


def sign_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def partner_user(name: str, *, tier, region: str, email: str):
    partner = PartnerFactory(name=name, region=region, partner_type="reseller")
    EnrolmentFactory(partner=partner, programme=tier.programme, tier=tier)
    MembershipFactory(partner=partner, user__email=email, roles=["sales"])
    return partner


def test_a_gold_emea_reseller_gets_its_copy_and_others_get_404(
    page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    marketing = UserFactory(
        email="mia@vendor.example", vendor_role=VendorRole.CHANNEL_MARKETING
    )
    programme = programme_with_tiers("Silver", "Gold", "Platinum", slug="resell")
    silver, gold = programme.tiers.order_by("rank")[:2]
    contoso = partner_user(
        "Contoso Gold", tier=gold, region="EMEA", email="gil@contoso.example"
    )
    # The suggested zones stamp the logo: a partner without one is told so.
    contoso.logo.save("logo.png", ContentFile(image_bytes(size=(200, 80))), save=True)
    partner_user("Fabrikam Silver", tier=silver, region="EMEA", email="sil@fab.example")
    partner_user("Northwind Gold", tier=gold, region="NA", email="nora@nw.example")
    audience = audience_services.audience_create(
        actor=marketing, name="Gold and above, EMEA resellers", rule=GOLD_EMEA_RESELLERS
    )
    pdf = tmp_path / "reseller-brochure.pdf"
    pdf.write_bytes(pdf_bytes(pages=2, text="Managed firewall brochure"))
    page.set_viewport_size({"width": 1366, "height": 900})

    sign_in(page, "mia@vendor.example")
    page.goto("/console/library/")
    page.get_by_role("link", name="New asset").click()
    page.get_by_label("Kind").select_option("file")
    page.get_by_label("Title").fill("Reseller brochure")
    page.get_by_label("File", exact=True).set_input_files(str(pdf))
    page.get_by_label("Audience").select_option(str(audience.public_id))
    page.get_by_label("Publish from").fill(
        (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("versions")).to_contain_text("reseller-brochure.pdf")
    page.goto("/console/content/cobranding/")
    page.get_by_role("link", name="Reseller brochure").click()
    page.get_by_label("Partners can download a co-branded copy").check()
    page.get_by_role("button", name="Save").click()  # the suggested zones
    expect(page.get_by_text("The co-branding is saved.")).to_be_visible()

    sign_in(page, "gil@contoso.example")
    page.get_by_role("link", name="Library", exact=True).click()
    page.get_by_role("link", name="Reseller brochure").click()
    item_url = page.url
    with page.expect_download() as download_info:
        page.get_by_test_id("cobranded-download").click()
    copy = PdfReader(BytesIO(Path(download_info.value.path()).read_bytes()))
    assert "Contoso Gold" in copy.pages[0].extract_text()
    assert "Managed firewall brochure" in copy.pages[0].extract_text()

    for outsider in ("sil@fab.example", "nora@nw.example"):
        sign_in(page, outsider)
        page.get_by_role("link", name="Library", exact=True).click()
        expect(page.get_by_role("link", name="Reseller brochure")).to_have_count(0)
        assert page.goto(item_url).status == 404
