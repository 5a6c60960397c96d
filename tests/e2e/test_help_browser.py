"""Journey 11 in a real browser: from the home page through the help centre to registration."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from helpcenter.content import load_help_content


@pytest.fixture
def help_content(transactional_db) -> None:
    load_help_content()


def walk_to_registration(page: Page, *, help_link: str, article: str, register_link: str) -> None:
    page.get_by_role("link", name=help_link).click()
    expect(page).to_have_url(re.compile(r"/help/$"))

    page.locator("#help-nav-list").get_by_role("link", name=article, exact=True).click()
    expect(page).to_have_url(re.compile(r"/help/registration/id-number-taken/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(article)
    expect(page.locator(".help-meta")).to_contain_text("2026")

    body_link = page.locator(".help-article-body").get_by_role("link", name=register_link)
    with page.expect_response(re.compile(r"/account/register/$")) as response:
        body_link.click()
    assert response.value.status == 200
    expect(page).to_have_url(re.compile(r"/account/register/$"))


@pytest.mark.e2e
def test_a_visitor_finds_the_duplicate_id_help_and_the_registration_page_in_chinese(
    page: Page, live_server, help_content
) -> None:
    page.goto(live_server.url + "/")

    walk_to_registration(
        page, help_link="进入帮助中心", article="身份证号重复", register_link="注册页面"
    )


@pytest.mark.e2e
def test_a_visitor_finds_the_duplicate_id_help_and_the_registration_page_in_english(
    page: Page, live_server, help_content
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    walk_to_registration(
        page,
        help_link="Go to the help centre",
        article="ID number already registered",
        register_link="registration page",
    )
