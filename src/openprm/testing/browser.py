"""Where the browser tests find Chromium, and how they start it.

Playwright drives the system's (Debian's) Chromium: nothing is downloaded.
"""

import os
import shutil

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

# Headless, as root in CI, and quiet on a machine without internet access.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """The Chromium to use: $OPENPRM_CHROMIUM, else Debian's, else none."""
    if configured := os.environ.get("OPENPRM_CHROMIUM"):
        return configured if shutil.which(configured) else None
    return next((path for path in CHROMIUM_CANDIDATES if os.path.exists(path)), None)


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the sign-in page, as a person does."""
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def overflow(page) -> int:
    """How many pixels the page runs past the right edge of the window (0: none)."""
    return page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )
