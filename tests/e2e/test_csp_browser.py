"""The Content-Security-Policy in Chromium: every page of the console and the portal
keeps it (no inline script, no event handler attribute, no <style> element).

Chromium reports each refused script or style both as a `securitypolicyviolation`
event and as a console error; either fails the test, with the page it was on.
"""

import pytest
from django.urls import reverse

from openprm.demo.ecosystem import DEMO_DOMAIN, EcosystemBuilder
from openprm.partners.models import Partner
from openprm.programs.tests.factories import TierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-pass-1234"
# Recorded before any script of the page runs (Playwright adds it out of band,
# so the policy does not apply to it).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""
SIZES_APPLIED = """[...document.querySelectorAll("[data-progress]")].every(
  (bar) => bar.style.width === `${bar.dataset.progress}%`
)"""
# Pages the navigation does not link to directly but whose scripts matter.
CONSOLE_FORMS = [
    "/console/segments/new/",
    "/console/audiences/new/",
    "/console/settings/branding/",
]
PORTAL_FORMS = ["/portal/deals/register/"]


@pytest.fixture
def demo(db):
    EcosystemBuilder(seed=7, partner_count=20, password=PASSWORD).build()


@pytest.fixture
def watched_page(page):
    """The browser page, with the violations it reports collected."""
    page.set_default_timeout(30_000)  # many pages, on a machine that may be busy
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "Content Security Policy" in message.text
            and page.console_errors.append(message.text)
        ),
    )
    return page


def sign_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def nav_links(page, area: str) -> list[str]:
    links = page.get_by_test_id(f"{area}-nav").locator("a[href^='/']")
    return [links.nth(n).get_attribute("href") for n in range(links.count())]


def violations_on(page, paths: list[str]) -> dict[str, list[str]]:
    """Visit each path once the page and its requests have settled; the
    violations reported on each."""
    found = {}
    for path in paths:
        page.console_errors.clear()
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        policy = response.header_value("content-security-policy") or ""
        directives = {part.strip() for part in policy.split(";")}
        assert {"script-src 'self'", "style-src 'self'"} <= directives, (path, policy)
        page.wait_for_load_state("networkidle")
        reported = page.evaluate("window.__cspViolations") + page.console_errors
        # Sizes come as data- attributes, applied by behaviour.js, not style=.
        assert page.evaluate(SIZES_APPLIED), path
        if reported:
            found[path] = reported
    return found


def test_the_console_pages_keep_the_content_security_policy(demo, watched_page):
    page = watched_page
    sign_in(page, f"admin@{DEMO_DOMAIN}")
    page.goto("/console/")
    partner = Partner.objects.order_by("depth", "pk").first()
    partner_360 = reverse("console:partner_detail", args=[partner.public_id])
    paths = [*dict.fromkeys([*nav_links(page, "console"), *CONSOLE_FORMS, partner_360])]

    assert len(paths) >= 10
    assert violations_on(page, paths) == {}


def test_the_portal_pages_keep_the_content_security_policy(demo, watched_page):
    page = watched_page
    sign_in(page, f"distributor@{DEMO_DOMAIN}")
    page.goto("/portal/")
    paths = [*dict.fromkeys([*nav_links(page, "portal"), *PORTAL_FORMS])]

    assert len(paths) >= 5
    assert violations_on(page, paths) == {}


def test_the_sign_in_page_and_the_api_docs_keep_it(db, watched_page):
    assert violations_on(watched_page, ["/accounts/login/", "/api/v1/docs"]) == {}


def test_the_public_application_pages_keep_it(db, watched_page):
    tier = TierFactory(programme__name="Resellers")

    assert (
        violations_on(watched_page, ["/apply/", f"/apply/{tier.programme.slug}/"]) == {}
    )


def test_an_inline_script_is_reported_by_this_test(live_server, watched_page):
    """The test's own check works: an inline script on a page of ours (added
    by the browser, as an injected one would be) is refused and reported."""
    page = watched_page
    page.goto("/accounts/login/")

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )

    assert page.evaluate("window.ran") is None
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__cspViolations")[0].startswith("script-src")
