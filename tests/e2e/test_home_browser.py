"""A first visit in a real browser: the home page, then English and back to Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect


@pytest.mark.e2e
def test_a_visitor_can_read_the_home_page_in_chinese_and_english(page: Page, live_server) -> None:
    page.goto(live_server.url + "/")
    expect(page.locator("header")).to_contain_text("仿真系统")
    expect(page.locator("footer")).to_contain_text("仿真系统")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Student Status")
    expect(page.locator("footer")).to_contain_text("simulation")

    page.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("学籍学历信息查询与认证服务")
