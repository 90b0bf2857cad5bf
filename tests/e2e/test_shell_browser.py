"""The UI shell as a person uses it: sign in, see your own area, sign out."""

import pytest
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD, VendorUserFactory
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto("/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_vendor_user_signs_in_to_the_channel_console(page):
    VendorUserFactory(email="alex@vendor.example", full_name="Alex Morgan")
    PartnerFactory(name="Northwind Distribution", partner_type="distributor")

    sign_in(page, "alex@vendor.example")

    expect(page).to_have_url("/console/")
    nav = page.get_by_test_id("console-nav")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(nav.get_by_role("link", name="Partners")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text("Alex Morgan")
    nav.get_by_role("link", name="Partners").click()
    expect(page.get_by_role("cell", name="Northwind Distribution")).to_be_visible()


def test_partner_user_signs_in_to_the_partner_portal(page):
    membership = MembershipFactory(
        user__email="chris@contoso.example",
        partner=PartnerFactory(name="Contoso Solutions"),
    )

    sign_in(page, membership.user.email)

    expect(page).to_have_url("/portal/")
    expect(
        page.get_by_test_id("portal-nav").get_by_role("link", name="Dashboard")
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name="Welcome, Contoso Solutions")
    ).to_be_visible()
    expect(page.get_by_test_id("console-nav")).to_have_count(0)


def test_a_wrong_password_shows_an_error(page):
    VendorUserFactory(email="alex@vendor.example")

    sign_in(page, "alex@vendor.example", "not the password")

    expect(page.get_by_test_id("login-error")).to_contain_text(
        "The email address and/or password you specified are not correct."
    )
    expect(page).to_have_url("/accounts/login/?next=/")


def test_signing_out_returns_to_the_sign_in_page(page):
    VendorUserFactory(email="alex@vendor.example")
    sign_in(page, "alex@vendor.example")

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("heading", name="Sign in to OpenPRM")).to_be_visible()


def test_search_filters_the_partner_table_as_you_type(page):
    VendorUserFactory(email="alex@vendor.example")
    PartnerFactory(name="Northwind Distribution")
    PartnerFactory(name="Contoso Solutions")
    sign_in(page, "alex@vendor.example")
    page.goto("/console/partners/")

    page.get_by_role("searchbox", name="Search partners").fill("contoso")

    expect(page.get_by_role("cell", name="Contoso Solutions")).to_be_visible()
    expect(page.get_by_role("cell", name="Northwind Distribution")).to_have_count(0)
    expect(page).to_have_url("/console/partners/?q=contoso")


def test_on_a_phone_the_navigation_opens_from_the_menu_button(phone_page):
    VendorUserFactory(email="alex@vendor.example")
    sign_in(phone_page, "alex@vendor.example")
    nav_link = phone_page.get_by_test_id("console-nav").get_by_role(
        "link", name="Partners"
    )
    expect(nav_link).to_be_hidden()

    phone_page.get_by_role("button", name="Open navigation").click()

    expect(nav_link).to_be_visible()
    nav_link.click()
    expect(phone_page).to_have_url("/console/partners/")


@pytest.mark.parametrize(
    ("email", "path"),
    [("alex@vendor.example", "/console/"), ("pat@partner.example", "/portal/")],
)
def test_on_a_390_px_phone_nothing_runs_past_the_screen(
    browser, live_server, email, path
):
    VendorUserFactory(email="alex@vendor.example")
    MembershipFactory(user__email="pat@partner.example")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    sign_in(page, email)
    page.goto(path)

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Open navigation").click()
    # What the header leaves out at this width is in the menu.
    expect(
        page.get_by_test_id("account-nav").get_by_role("link", name="API tokens")
    ).to_be_visible()
    context.close()
