"""Browser tests: Playwright driving a real headless Chromium against a live server.

Every page any browser test visits is checked with axe-core (vendored under
``tests/e2e/vendor``, never served by the app): each browser context the tests get
(the ``page`` fixtures, or ``browser.new_context()``) runs axe on every page it
loads, and a test fails when a page had a serious or critical violation.
"""

import contextlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from openprm.testing.browser import CHROMIUM_ARGS, chromium_path

# Assertions wait as long as actions do: a page redrawn by htmx on a loaded machine
# (CI shares it) can take longer than Playwright's 5 s default.
expect.set_options(timeout=15_000)

# Playwright's sync API runs an event loop in the test thread; the ORM calls that
# the tests make there (to set up data) are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
FAILING_IMPACTS = ("serious", "critical")
# Runs in every page of the site once it has loaded (top frame only; not a test's
# about:blank): axe checks the page and reports what fails through the binding;
# the run's promise is kept so that a context can wait for the last page's check
# before it closes.
AXE_RUNNER = """
if (window.top === window && location.protocol.startsWith("http")) {
  window.addEventListener("load", () => {
    window.__openprmAxe = new Promise((done) => setTimeout(done, 0))
      .then(() => axe.run(document, {resultTypes: ["violations"]}))
      .then((results) => window.__openprmAxeReport(location.pathname + location.search,
        results.violations
          .filter((item) => %s.includes(item.impact))
          .map((item) => ({id: item.id, impact: item.impact, help: item.help,
            nodes: item.nodes.slice(0, 5).map((node) => node.target.join(" "))}))))
      .catch(() => null);
  });
}
""" % list(FAILING_IMPACTS)  # noqa: UP031  (JavaScript braces)

# The violations axe reported during the running test (see _accessibility).
_findings: list[dict] = []


def _report(source, page_path: str, violations: list[dict]) -> None:
    for violation in violations:
        _findings.append({"page": page_path, **violation})


class CheckedContext:
    """A browser context whose pages axe checks; closing it waits for the check of
    the pages still open."""

    def __init__(self, context):
        self._context = context
        context.add_init_script(AXE_SOURCE)
        context.add_init_script(AXE_RUNNER)
        context.expose_binding("__openprmAxeReport", _report)

    def close(self, **options):
        for page in self._context.pages:
            # A page closing or navigating away has no check left to wait for.
            with contextlib.suppress(PlaywrightError):
                page.evaluate("window.__openprmAxe || null")
        self._context.close(**options)

    def __getattr__(self, name):
        return getattr(self._context, name)


class CheckedBrowser:
    """The browser, whose every new context checks its pages with axe."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **options):
        return CheckedContext(self._browser.new_context(**options))

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip(
            "no Chromium found: install Debian's 'chromium' or set OPENPRM_CHROMIUM"
        )
    from django.urls import get_resolver
    from playwright.sync_api import sync_playwright

    # The live server's first request would import every URL module and build
    # the API's schemas: tens of seconds on a loaded machine, longer than a
    # page load may take. Done here once, before any page is opened.
    get_resolver().url_patterns  # noqa: B018  (the import is the point)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield CheckedBrowser(browser)
        browser.close()


@pytest.fixture(autouse=True)
def _accessibility(request):
    """Fails a browser test whose pages had serious or critical axe violations."""
    _findings.clear()
    yield
    if request.node.get_closest_marker("browser") is None or not _findings:
        return
    problems = "\n".join(
        f"{item['page']}: {item['id']} ({item['impact']}) {item['help']} — "
        + "; ".join(item["nodes"])
        for item in _findings
    )
    _findings.clear()
    pytest.fail(f"axe found accessibility violations:\n{problems}", pytrace=False)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
