"""Screenshots of the product for people who will not run it: ``make screenshots``.

Seeds the demo into a throwaway database, starts ``openprm serve`` on a free port,
signs in as the demo users with the browser tests' Chromium set-up and writes PNGs
of the pages in ``SHOTS`` (the portal home and library, the partner 360, the deal
conflict view, learning, certificates, approvals, funds, earnings,
performance, tiers, ...)
at 1366 and 390 px into ``var/screenshots/`` (git-ignored; ``--out`` to change).
"""

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from openprm.testing.browser import CHROMIUM_ARGS, chromium_path, sign_in

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (1366, 390)
HEIGHT = {1366: 900, 390: 844}
# The throwaway database's demo users get a password of their own.
DEMO_PASSWORD = secrets.token_urlsafe(16)
PARTNER = "partner@openprm.example"
ADMIN = "admin@openprm.example"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def openprm(*args: str, env: dict) -> None:
    subprocess.run(
        [sys.executable, "-m", "openprm", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_until_up(url: str, server: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"openprm serve exited with code {server.returncode}")
        try:
            # Our own server, on http://127.0.0.1.
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"openprm serve did not answer at {url}")


def partner_360(page) -> str:
    """The console page of the demo's Contoso Solutions."""
    page.goto("/console/partners/?q=Contoso+Solutions")
    return page.locator("main table a").first.get_attribute("href")


def conflict_view(page) -> str:
    """A registration in review that conflicts with another."""
    page.goto("/console/deals/review/")
    row = page.get_by_test_id("deal-row").filter(
        has=page.get_by_test_id("conflict-score")
    )
    return row.first.locator("a").first.get_attribute("href")


def fund_request(page) -> str:
    """Contoso's paid and closed webinar, with its ROI."""
    page.goto("/portal/funds/")
    return page.get_by_role("link", name="Zero-trust webinar series").get_attribute(
        "href"
    )


def learning_player(page) -> str:
    """The lesson the demo partner admin resumes in the path's first course."""
    page.goto("/portal/learning/mine/")
    page.get_by_test_id("my-courses").get_by_text("Firewall fundamentals").click()
    return page.get_by_test_id("resume").get_attribute("href")


def reward_edit(page) -> str:
    """The edit form of the rewards catalogue's first reward."""
    page.goto("/console/incentives/rewards/")
    edit = page.locator("main a[aria-label^='Edit ']")
    return edit.first.get_attribute("href")


SHOTS = [
    # (file name, who signs in, the page: a path or a function finding it)
    ("portal-home", PARTNER, "/portal/"),
    ("portal-library", PARTNER, "/portal/library/"),
    ("portal-funds", PARTNER, "/portal/funds/"),
    ("portal-earnings", PARTNER, "/portal/earnings/"),
    ("portal-fund-request", PARTNER, fund_request),
    ("portal-learning", PARTNER, "/portal/learning/"),
    ("learning-player", PARTNER, learning_player),
    ("partner-360", ADMIN, partner_360),
    ("deal-conflict", ADMIN, conflict_view),
    ("portal-certificates", PARTNER, "/portal/certificates/"),
    ("portal-team-certifications", PARTNER, "/portal/certificates/team/"),
    ("certification-reviews", ADMIN, "/console/certifications/reviews/"),
    ("expiring-certifications", ADMIN, "/console/certifications/expiring/"),
    ("approvals", ADMIN, "/console/approvals/?view=open"),
    ("approval-chains", ADMIN, "/console/approvals/chains/"),
    ("approval-chain-step-new", ADMIN, "/console/approvals/chains/funds.request/new/"),
    ("fund-budgets", ADMIN, "/console/funds/"),
    ("fund-requests", ADMIN, "/console/funds/requests/"),
    ("fund-activity-types", ADMIN, "/console/funds/activity-types/"),
    ("fund-payouts", ADMIN, "/console/funds/payouts/"),
    ("fund-reports", ADMIN, "/console/funds/reports/"),
    ("portal-fund-history", PARTNER, "/portal/funds/history/"),
    ("portal-fund-request-new", PARTNER, "/portal/funds/requests/new/"),
    ("insights-performance", ADMIN, "/console/insights/"),
    ("tier-reviews", ADMIN, "/console/tiers/recommendations/"),
    ("portal-tier", PARTNER, "/portal/tier/"),
    ("portal-spiffs", PARTNER, "/portal/spiffs/"),
    ("portal-money", PARTNER, "/portal/money/"),
    ("portal-rewards", PARTNER, "/portal/rewards/"),
    ("console-spiffs", ADMIN, "/console/spiffs/"),
    ("console-spiff-form", ADMIN, "/console/spiffs/new/"),
    ("console-rewards", ADMIN, "/console/incentives/rewards/"),
    ("console-incentive-settings", ADMIN, "/console/incentives/settings/"),
    ("console-reward-edit", ADMIN, reward_edit),
    ("console-programme-enrol", ADMIN, "/console/programmes/enrol/"),
    ("console-audit", ADMIN, "/console/audit/"),
    ("console-lead-capacity", ADMIN, "/console/leads/capacity/"),
]


def take(base_url: str, out: Path, only: set[str]) -> list[Path]:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise SystemExit("No Chromium found: install Debian's 'chromium'.")
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        for name, email, where in SHOTS:
            if only and name not in only:
                continue
            for width in WIDTHS:
                context = browser.new_context(
                    base_url=base_url,
                    viewport={"width": width, "height": HEIGHT[width]},
                    is_mobile=width < 576,
                    has_touch=width < 576,
                )
                page = context.new_page()
                page.set_default_timeout(20_000)
                sign_in(page, email, DEMO_PASSWORD)
                target = where if isinstance(where, str) else where(page)
                page.goto(target)
                page.wait_for_load_state("networkidle")
                file = out / f"{name}-{width}.png"
                page.screenshot(path=str(file), full_page=True)
                written.append(file)
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    parser.add_argument(
        "--only", action="append", default=[], help="Only this shot (repeatable)."
    )
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="openprm-screenshots-") as var:
        env = {
            **os.environ,
            "OPENPRM_VAR_DIR": var,
            "DATABASE_URL": f"sqlite:///{var}/openprm.sqlite3",
            "OPENPRM_DEMO_PASSWORD": DEMO_PASSWORD,
            "DJANGO_SETTINGS_MODULE": "openprm.settings",
        }
        print("Seeding the demo into a throwaway database…")
        openprm("migrate", "--no-input", "--verbosity", "0", env=env)
        openprm("seed-demo", env=env)
        port = free_port()
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "openprm", "serve"),
                *("--host", "127.0.0.1", "--port", str(port)),
                *("--workers", "1", "--no-worker"),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base_url}/health/", server)
            written = take(base_url, args.out, set(args.only))
        finally:
            server.terminate()
            server.wait(timeout=30)
    for file in written:
        print(file.relative_to(ROOT) if file.is_relative_to(ROOT) else file)


if __name__ == "__main__":
    main()
