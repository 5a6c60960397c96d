"""Steps shared by the browser tests: signing in, solving a captcha as a person reads it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from captcha.models import CaptchaStore
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page

# Button and link names in both languages, as a person reads them.
LOGIN_BUTTON = re.compile(r"^(登录|Log in)$")


def solve_captcha(page: Page, scope: str = "") -> None:
    """Type the captcha's answer, as a person reading the image would."""
    key = page.locator(f"{scope} input[name$=captcha_0]".strip()).first.input_value()
    answer = CaptchaStore.objects.get(hashkey=key).response
    page.locator(f"{scope} input[name$=captcha_1]".strip()).first.fill(answer)


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name=LOGIN_BUTTON).click()


def sign_in(context: BrowserContext, base: str, user) -> None:
    """Start a session for ``user`` without the login form (tested on its own elsewhere)."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session,
                "domain": urlsplit(base).hostname,
                "path": "/",
                "secure": settings.SESSION_COOKIE_SECURE,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )
