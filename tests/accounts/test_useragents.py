"""最近登录记录 shows the browser and system in words, never the raw User-Agent header."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.useragents import summary

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def test_a_desktop_browser_is_summarised():
    assert summary(CHROME_ON_WINDOWS) == "Chrome 124 · Windows 10"


def test_a_phone_browser_is_summarised():
    assert summary(SAFARI_ON_IPHONE) == "Mobile Safari 17 · iOS 17"


def test_an_unknown_header_says_so_in_words():
    assert summary("x") == "未知浏览器 · 未知系统"


@pytest.mark.django_db
def test_the_account_page_shows_the_summary_not_the_header(student_client, student):
    student.login_events.create(
        created_at=timezone.now(), ip_prefix="10.1.1.0/24", user_agent=CHROME_ON_WINDOWS
    )
    html = student_client.get("/account/").content.decode()

    assert "Chrome 124 · Windows 10" in html
    assert "AppleWebKit" not in html
