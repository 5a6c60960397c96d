"""Finding a Chromium for the browser tests, and what to say when there is none.

`make test` on a machine without Chromium skips the browser tests (marker ``e2e``) and ends with
one line saying how to enable them. CI sets ``XUEXIN_REQUIRE_BROWSER=1`` (`.ci/run`), so there a
missing browser fails the run instead of quietly skipping.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
HOW_TO_ENABLE = (
    "browser tests (-m e2e) skipped: no Chromium found. Enable them with "
    "`apt-get install chromium` (Debian/Ubuntu) or set XUEXIN_CHROMIUM=/path/to/chrome; "
    "CI (.ci/run) installs Chromium and always runs them."
)


def browser_required() -> bool:
    return os.environ.get("XUEXIN_REQUIRE_BROWSER", "") not in {"", "0", "false"}


@functools.cache
def find_chromium() -> Path | None:
    """XUEXIN_CHROMIUM, then a system Chromium or Chrome, then a browser Playwright installed."""
    configured = os.environ.get("XUEXIN_CHROMIUM")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    if Path("/usr/bin/chromium").is_file():
        return Path("/usr/bin/chromium")
    return _playwright_chromium()


def _playwright_chromium() -> Path | None:
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = Path(playwright.chromium.executable_path)
    except Exception:  # noqa: BLE001 - no driver, no browser: either way there is none
        return None
    return path if path.is_file() else None
