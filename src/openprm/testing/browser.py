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
