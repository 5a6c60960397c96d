"""Journeys 2 and 3 in real Chromium: register, pass the identity check, log out, log in by ID."""

from __future__ import annotations

import re

import pytest
from captcha.models import CaptchaStore
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "my long browser pass phrase 5"


@pytest.fixture
def demo_gateways(settings):
    settings.DEMO_OUTBOX_ENABLED = True
    settings.SMS_BACKEND = "accounts.sms.DatabaseBackend"


def solve_captcha(page: Page) -> None:
    key = page.locator("input[name=captcha_0]").input_value()
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)


def test_a_student_registers_checks_identity_and_logs_back_in_by_id(
    page: Page, live_server, people, demo_gateways
):
    zhang = people["张测试"]
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="注册", exact=True).first.click()
    expect(page.get_by_role("heading", name="注册学信网账号")).to_be_visible()

    page.fill("input[name=phone]", "13912345670")
    solve_captcha(page)
    page.get_by_role("button", name="免费获取").click()
    expect(page.locator(".send-code")).to_be_disabled()  # the 60-second countdown

    outbox = page.context.new_page()
    outbox.goto(f"{live_server.url}/account/outbox/")
    match = re.search(r"验证码 (\d{6})", outbox.locator(".outbox").inner_text())
    assert match is not None
    code = match.group(1)
    outbox.close()

    page.fill("input[name=sms_code]", code)
    page.fill("input[name=password1]", PASSWORD)
    expect(page.locator(".password-strength")).to_contain_text("强")
    page.fill("input[name=password2]", PASSWORD)
    page.fill("input[name=real_name]", zhang.name)
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", zhang.id_number)
    page.check("input[name=agree]")
    page.get_by_role("button", name="立即注册").click()
    expect(page.get_by_role("heading", name="账号注册成功")).to_be_visible()

    page.get_by_role("link", name="进入学信档案").click()
    expect(page.get_by_role("heading", name="身份核验")).to_be_visible()
    # Facts of one 学籍 (北京大学, 学号 1601100051, entered 2016): a CV alone has no 学号.
    page.fill("input[name=school_name]", "北京大学")
    page.fill("input[name=student_number]", "1601100051")
    page.fill("input[name=entry_year]", "2016")
    page.get_by_role("button", name="提交核验").click()
    expect(page.locator(".archive-counts")).to_contain_text("学籍")

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录", exact=True).first).to_be_visible()

    page.goto(f"{live_server.url}/account/login/")
    page.fill("input[name=username]", zhang.id_number)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator(".archive-counts")).to_be_visible()
