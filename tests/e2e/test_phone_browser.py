"""At 390 px (a phone) no page runs past the right edge of the screen: every portal
page, and the console's main pages, with the demo's data on them."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from openprm.accounts.tests.factories import TEST_PASSWORD
from openprm.deals.tests.factories import ensure_stages
from openprm.demo.ecosystem import DISTRIBUTOR_LOGIN, PARTNER_LOGIN, VENDOR_LOGINS
from openprm.partners.tests.factories import PartnerFactory
from openprm.tenancy.tests.factories import MembershipFactory
from openprm.testing.authz import web_route_keys
from openprm.testing.browser import overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def portal_list_pages() -> list[str]:
    """Every portal page that takes no argument (its list and start pages)."""
    paths = []
    for key, route in web_route_keys().items():
        if key.startswith("web:portal:") and "<" not in route:
            paths.append(reverse(key.removeprefix("web:")))
    return sorted(set(paths))


def widths(page, paths, *, follow_prefix: str | None = None) -> dict[str, int]:
    """How far each page (and, with ``follow_prefix``, the first page each of its
    tables links to) runs past the screen; pages that are forms to post only or
    refuse the reader are left out."""
    seen, found = set(), {}
    queue = list(paths)
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        # Pages only to post to, fragments that htmx swaps into a page, and
        # pages refused to the reader are not pages to look at.
        response = page.request.get(path, max_redirects=0)
        if response.status != 200 or "<html" not in response.text():
            continue
        page.goto(path)
        found[path] = overflow(page)
        if follow_prefix and path in paths:
            links = page.locator(f'main table a[href^="{follow_prefix}"]')
            if links.count():
                queue.append(links.first.get_attribute("href"))
    return found


@pytest.fixture
def demo(transactional_db):
    """The demo ecosystem with 20 partners (the stages of deals are data of a
    migration, which an earlier transactional test flushed)."""
    ensure_stages()
    call_command("seed-demo", "--partners", "20", stdout=io.StringIO())


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("login", [PARTNER_LOGIN, DISTRIBUTOR_LOGIN])
def test_no_portal_page_runs_past_a_phone_screen(demo, phone, login):
    sign_in(phone, login.email, settings.OPENPRM_DEMO_PASSWORD)

    found = widths(phone, portal_list_pages(), follow_prefix="/portal/")

    assert len(found) >= 10
    assert {path: px for path, px in found.items() if px} == {}


CONSOLE_PAGES = [
    "/console/",
    "/console/partners/",
    "/console/deals/",
    "/console/deals/review/",
    "/console/leads/",
    "/console/pipeline/",
    "/console/audit/",
]


def test_the_main_console_pages_fit_a_phone_screen(demo, phone):
    sign_in(phone, VENDOR_LOGINS[0].email, settings.OPENPRM_DEMO_PASSWORD)

    found = widths(phone, CONSOLE_PAGES, follow_prefix="/console/")

    assert set(CONSOLE_PAGES) <= set(found)
    assert {path: px for path, px in found.items() if px} == {}


def test_on_a_phone_sign_out_is_on_the_screen(demo, phone):
    sign_in(phone, PARTNER_LOGIN.email, settings.OPENPRM_DEMO_PASSWORD)

    sign_out = phone.get_by_role("button", name="Sign out")
    box = sign_out.bounding_box()

    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    sign_out.click()
    phone.wait_for_url("**/accounts/login/**")


def test_a_member_of_two_partners_switches_on_a_phone(phone):
    northwind = PartnerFactory(name="Northwind Distribution International")
    contoso = PartnerFactory(name="Contoso Solutions Worldwide")
    member = MembershipFactory(partner=northwind).user
    MembershipFactory(user=member, partner=contoso)
    sign_in(phone, member.email, TEST_PASSWORD)

    assert overflow(phone) == 0
    phone.get_by_label("Organisation").select_option(label=northwind.name)

    # The switcher submits itself (shell.js): the portal now works for Northwind.
    expect(phone.get_by_label("Organisation")).to_have_value(str(northwind.pk))
    expect(
        phone.get_by_role("heading", name=f"Welcome, {northwind.name}")
    ).to_be_visible()
    assert overflow(phone) == 0
