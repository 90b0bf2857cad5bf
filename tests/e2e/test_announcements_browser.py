"""Channel marketing writes a required announcement for EMEA partners; a partner
user of an EMEA reseller is told by email, sees it highlighted on the portal home,
opens it and acknowledges it; a North American partner's user does not see it."""

import os
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from openprm.accounts.choices import VendorRole
from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.content.models import Announcement, AnnouncementReceipt
from openprm.content.tests.factories import AnnouncementFactory, AudienceFactory
from openprm.partners.choices import Region
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMEA_RULE = {"all": [{"field": "region", "op": "eq", "value": "EMEA"}]}


def sign_in(page, email: str) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def cast():
    VendorUserFactory(
        email="mia@vendor.example", vendor_role=VendorRole.CHANNEL_MARKETING
    )
    MembershipFactory(
        partner=PartnerFactory(name="Contoso EMEA", region=Region.EMEA),
        user__email="chris@contoso.example",
    )
    MembershipFactory(
        partner=PartnerFactory(
            name="Fabrikam US", region=Region.NORTH_AMERICA, country="US"
        ),
        user__email="pat@fabrikam.example",
    )
    return AudienceFactory(name="EMEA partners", rule=EMEA_RULE)


def test_a_partner_user_acknowledges_a_required_announcement_from_the_home(
    page, live_server, cast
):
    page.set_default_timeout(30_000)  # the shared test machine is slow at times
    sign_in(page, "mia@vendor.example")
    page.goto("/console/announcements/")
    page.get_by_test_id("new-announcement").click()
    page.get_by_label("Title", exact=True).fill("New partner price list")
    page.get_by_label("Text", exact=True).fill(
        "<h2>Prices</h2><p>The <strong>new price list</strong> applies from "
        "Monday.</p><script>alert('x')</script>"
    )
    page.get_by_label("Audience", exact=True).select_option(label="EMEA partners")
    page.get_by_label("Readers must acknowledge it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The announcement is saved.")
    page.get_by_test_id("publish").click()
    expect(page.get_by_role("alert")).to_contain_text("published")
    sign_out(page)

    assert [message.to for message in mail.outbox] == [["chris@contoso.example"]]
    assert mail.outbox[0].subject == "New partner price list"

    sign_in(page, "chris@contoso.example")
    home = page.get_by_test_id("home-announcements")
    expect(home.get_by_test_id("needs-acknowledgement")).to_be_visible()
    home.get_by_role("link", name="New partner price list").click()
    expect(page.get_by_role("heading", name="Prices")).to_be_visible()
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("acknowledged")).to_be_visible()
    page.goto("/portal/")
    expect(
        page.get_by_test_id("home-announcements").get_by_test_id(
            "needs-acknowledgement"
        )
    ).to_have_count(0)
    sign_out(page)

    receipt = AnnouncementReceipt.objects.get()
    assert receipt.user.email == "chris@contoso.example"
    assert receipt.acknowledged_at is not None

    sign_in(page, "pat@fabrikam.example")
    expect(page.get_by_test_id("home-announcements")).to_contain_text(
        "No announcements for you right now."
    )
    public_id = Announcement.objects.get().public_id
    response = page.goto(f"/portal/announcements/{public_id}/")
    assert response.status == 404


SHOTS = os.environ.get("OPENPRM_SHOTS_DIR", "")


@pytest.mark.skipif(not SHOTS, reason="set OPENPRM_SHOTS_DIR to take screenshots")
@pytest.mark.parametrize("width", [1366, 390])
def test_screenshots(browser, live_server, cast, width):
    """The pages of announcements at a desktop and a phone width, for review."""
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    AnnouncementFactory(
        audience=cast,
        title="Pinned: partner summit in Lisbon",
        is_pinned=True,
        body="<p>Join us on 12 May.</p>",
    )
    required = AnnouncementFactory(
        audience=cast,
        title="New partner price list",
        requires_acknowledgement=True,
        body=(
            "<h2>Prices</h2><p>The <strong>new price list</strong> applies from "
            "Monday.</p><ul><li>Hardware +3 %</li><li>Services unchanged</li></ul>"
            '<p><a href="https://vendor.example/prices">Download the list</a></p>'
        ),
    )
    AnnouncementFactory(audience=cast, title="Draft: autumn campaign", publish_at=None)
    sign_in(page, "mia@vendor.example")
    for name, url in [
        ("console-list", "/console/announcements/"),
        ("console-form", "/console/announcements/new/"),
        ("console-detail", f"/console/announcements/{required.public_id}/"),
    ]:
        page.goto(url)
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    sign_out(page)
    sign_in(page, "chris@contoso.example")
    for name, url in [
        ("portal-home", "/portal/"),
        ("portal-list", "/portal/announcements/"),
        ("portal-item", f"/portal/announcements/{required.public_id}/"),
    ]:
        page.goto(url)
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    context.close()
