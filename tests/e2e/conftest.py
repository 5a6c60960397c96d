"""Fixtures for browser tests: Chromium driven by Playwright's sync API, with production headers.

One browser per test process; each test gets fresh contexts (cookies and storage of their own),
which cost milliseconds. The live server answers with the response headers and cookie settings
that production uses (read from the settings with DJANGO_DEBUG=false), so a header that breaks
a form in a real browser (an ``Origin: null`` from a Referrer-Policy, a cookie the browser will
not send back) breaks a test here too. Without Chromium these tests are skipped; see
tests/browsers.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is intended (pytest-django flushes the database).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402

from tests import browsers  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# What production sends that a plain-HTTP test server can send too. (HSTS, the HTTPS redirect and
# the proxy header need TLS in front; the CSP and cross-origin headers are the same in every
# mode and come from the running middleware.)
PRODUCTION_SETTINGS = (
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "CROSS_ORIGIN_RESOURCE_POLICY",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
)

# The two ways people see the site that every form is tried in: a Chinese phone and an English
# desktop (layout checks cover all four combinations).
VISITORS = [("zh", 375), ("en", 1280)]
VISITOR_IDS = ["zh-375", "en-1280"]


@pytest.fixture(scope="session")
def production_settings() -> dict[str, object]:
    """The settings above as production computes them (DJANGO_DEBUG=false), from a subprocess."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_SETTINGS!r}}}))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xuexin.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "browser-tests-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "localhost",
    }
    env.pop("DATABASE_URL", None)
    out = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(autouse=True)
def production_headers(settings, production_settings) -> None:
    for name, value in production_settings.items():
        setattr(settings, name, value)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = browsers.find_chromium()
    if executable is None:
        # Reached only when XUEXIN_REQUIRE_BROWSER is set (CI): a missing browser is an error.
        pytest.fail(browsers.HOW_TO_ENABLE, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def context_for(browser: Browser, lang: str = "zh", width: int = 1280) -> BrowserContext:
    """A visitor whose browser asks for ``lang`` (LocaleMiddleware follows Accept-Language)."""
    context = browser.new_context(
        locale="zh-CN" if lang == "zh" else "en-US",
        viewport={"width": width, "height": 812 if width < 600 else 800},
    )
    # Generous: the machines that run the suite are shared and sometimes slow.
    context.set_default_timeout(20_000)
    context.set_default_navigation_timeout(30_000)
    return context


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``new_page(lang, width)``: a page in a fresh context, closed after the test."""
    contexts: list[BrowserContext] = []

    def make(lang: str = "zh", width: int = 1280) -> Page:
        context = context_for(browser, lang, width)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    # A Chinese-speaking visitor on a desktop: without a locale Chromium sends "en-US" and
    # Django's LocaleMiddleware would serve the English site first.
    return new_page("zh", 1280)
