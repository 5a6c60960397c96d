"""The changed account forms in real Chromium, at phone and desktop width, zh and en:
password reset (code first, then the person's password rules), the identity check by record
facts, and an email change that asks for the password again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery 9"
SHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"


@pytest.fixture
def demo_gateways(settings):
    settings.DEMO_OUTBOX_ENABLED = True
    settings.SMS_BACKEND = "accounts.sms.DatabaseBackend"


def open_page(browser: Browser, width: int, locale: str) -> Page:
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def solve_captcha(page: Page) -> None:
    key = page.locator("input[name=captcha_0]").input_value()
    page.fill("input[name=captcha_1]", CaptchaStore.objects.get(hashkey=key).response)


def outbox_code(page: Page, base: str) -> str:
    other = page.context.new_page()
    other.goto(f"{base}/account/outbox/")
    match = re.search(r"\b(\d{6})\b", other.locator(".outbox").inner_text())
    assert match is not None
    code = match.group(1)
    other.close()
    return code


def log_in(page: Page, base: str, phone: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", phone)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(("width", "locale"), [(375, "en-US"), (1280, "zh-CN")])
def test_password_reset_checks_the_code_before_the_password(
    browser: Browser, live_server, people, demo_gateways, width, locale
):
    student = UserFactory.create(phone="13900000778", person=people["张测试"])
    page = open_page(browser, width, locale)
    page.goto(f"{live_server.url}/account/recover/password/")
    page.fill("input[name=username]", student.phone)
    solve_captcha(page)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=sms_code]")).to_be_visible()

    # A wrong code with the person's birth date in the password: only the code is refused.
    birthday = f"pw{student.id_number[6:14]}pw"
    page.fill("input[name=sms_code]", "000000")
    page.fill("input[name=password1]", birthday)
    page.fill("input[name=password2]", birthday)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(re.compile("证件号码中的数字|ID number"))
    shot(page, f"reset-wrong-code-{width}-{locale}")

    page.fill("input[name=sms_code]", outbox_code(page, live_server.url))
    page.fill("input[name=password1]", birthday)
    page.fill("input[name=password2]", birthday)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("input[name=sms_code]")).to_have_count(0)  # the phone is proven
    page.fill("input[name=password1]", "绿色的山和远方的海 seven")
    page.fill("input[name=password2]", "绿色的山和远方的海 seven")
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/account/login/"))
    page.context.close()


@pytest.mark.parametrize(("width", "locale"), [(375, "zh-CN"), (1280, "en-US")])
def test_the_identity_check_asks_for_facts_of_one_enrolment(
    browser: Browser, live_server, people, width, locale
):
    student = UserFactory.create(phone="13900000779", person=people["张测试"])
    page = open_page(browser, width, locale)
    log_in(page, live_server.url, student.phone)
    page.goto(f"{live_server.url}/account/identity/")
    page.fill("input[name=school_name]", "北京大学")
    page.fill("input[name=student_number]", "0000000000")
    page.fill("input[name=entry_year]", "2016")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".alert-danger")).to_be_visible()
    shot(page, f"identity-check-{width}-{locale}")
    page.fill("input[name=student_number]", "1601100051")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/archive/$"))
    page.context.close()


@pytest.mark.parametrize(("width", "locale"), [(375, "en-US"), (1280, "zh-CN")])
def test_changing_the_email_asks_for_the_password(
    browser: Browser, live_server, people, width, locale
):
    student = UserFactory.create(
        phone="13900000780", person=people["张测试"], identity_verified_at=timezone.now()
    )
    page = open_page(browser, width, locale)
    log_in(page, live_server.url, student.phone)
    page.goto(f"{live_server.url}/account/email/")
    page.fill("input[name=email]", "zhang@example.test")
    page.fill("input[name=password]", "not my password")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    shot(page, f"email-change-{width}-{locale}")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/account/$"))
    page.context.close()
