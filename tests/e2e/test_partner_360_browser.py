"""The console's partner page (the partner 360) in Chromium on a laptop and on a
phone: every section shows, nothing overflows at 390 px, and a screenshot of each
width is saved (to $OPENPRM_SCREENSHOT_DIR, or the test's temporary folder)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.console.tests.partner_360_data import add_rows, make_contoso

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("device", WIDTHS)
def test_the_partner_360_reads_well_on_a_laptop_and_a_phone(
    browser, live_server, tmp_path, device
):
    partner, programme = make_contoso()
    add_rows(partner, programme, 2)
    VendorUserFactory(email="ada@vendor.example")
    width, height = WIDTHS[device]
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        is_mobile=device == "phone",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "ada@vendor.example")
        page.goto(
            reverse("console:partner_detail", kwargs={"public_id": partner.public_id})
        )

        expect(page.get_by_test_id("partner-tier").first).to_have_text("Gold")
        expect(page.get_by_test_id("section-deals")).to_contain_text("35,000.00 EUR")
        expect(page.get_by_test_id("partner-engagement")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{overflow} px wider than the {width} px screen"
        folder = Path(os.environ.get("OPENPRM_SCREENSHOT_DIR") or tmp_path)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=folder / f"partner-360-{width}.png", full_page=True)
    finally:
        context.close()
