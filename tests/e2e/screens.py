"""Screenshots taken by the browser tests when ``OPENPRM_SCREENSHOTS`` names a
folder: each page at laptop (1366 px) and phone (390 px) width, full length."""

import os
from pathlib import Path

WIDTHS = ((1366, 900), (390, 844))


def shoot(page, name: str) -> None:
    """``<folder>/<name>-1366.png`` and ``-390.png``; nothing without the folder."""
    folder = os.environ.get("OPENPRM_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(300)
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    if size:
        page.set_viewport_size(size)
