"""The forms anyone can submit, in real Chromium with the production headers, as a Chinese phone
user and an English desktop user: 在线验证 by typed code, 学历查询, login with the captcha after
three failures, 找回用户名, 找回密码 by SMS, and the language switch."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import sms
from records.models import Qualification
from tests.factories import UserFactory
from verification import services

from .checks import assert_page_ok
from .conftest import VISITOR_IDS, VISITORS
from .helpers import log_in, solve_captcha

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery 9"


@pytest.fixture
def account(people, settings, tmp_path):
    """张测试's account, identity checked, with the password above."""
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True
    return UserFactory(
        phone="13900000777",
        person=people["张测试"],
        identity_verified_at=timezone.now(),
        identity_verified_method="school_name",
    )


def submit(page: Page, form: str = "main form") -> None:
    page.locator(form).locator("button[type=submit]").last.click()


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_a_verifier_types_a_code_and_sees_the_report(new_page, live_server, account, lang, width):
    report = services.report_issue(
        owner=account, record=account.person.enrollments.first(), months=1
    )
    page = new_page(lang, width)
    page.goto(f"{live_server.url}/verify/")
    typed = " ".join(report.code[i : i + 4] for i in range(0, len(report.code), 4)).lower()
    page.fill("input[name=code]", typed)
    with page.expect_navigation():
        submit(page)

    assert "/verify/" + report.code in page.url
    expect(page.locator(".report-title")).to_be_visible()
    expect(page.locator(".report-id_number")).to_have_text(re.compile(r"^\*{14}\d{3}[\dX]$"))
    assert_page_ok(page)


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_an_unknown_typed_code_gets_the_generic_answer_not_a_403(
    new_page, live_server, account, lang, width
):
    page = new_page(lang, width)
    page.goto(f"{live_server.url}/verify/")
    page.fill("input[name=code]", "S000 0000 0000 0000")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit(page)

    assert answer.value.status in {302, 404}  # never 403: the browser's Origin is accepted
    expect(page.get_by_role("heading", level=1)).to_have_text(
        {"zh": "该在线验证码无效", "en": re.compile("not valid", re.I)}[lang]
    )


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_the_xueli_query_finds_a_registered_diploma(new_page, live_server, account, lang, width):
    diploma = Qualification.objects.get(person=account.person)
    page = new_page(lang, width)
    page.goto(f"{live_server.url}/xueli/")
    page.fill("input[name=certificate_number]", diploma.certificate_number)
    page.fill("input[name=name]", account.person.name)
    solve_captcha(page)
    with page.expect_response(re.compile(r"/xueli/$")) as answer:
        submit(page)

    assert answer.value.status == 200
    expect(page.locator("main")).to_contain_text(diploma.school.name)
    expect(page.locator("main")).not_to_contain_text(account.person.id_number)
    assert_page_ok(page)


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_the_captcha_shows_after_three_failures_and_the_fourth_attempt_succeeds(
    new_page, live_server, account, lang, width
):
    page = new_page(lang, width)
    for _attempt in range(3):
        log_in(page, live_server.url, account.phone, "wrong password 1")
        expect(page.locator(".alert-danger")).to_be_visible()
    # The third failure already asks for the captcha, on the page it answers with.
    expect(page.locator("input[name=captcha_1]")).to_be_visible()
    assert page.locator("input[name=username]").input_value() == account.phone
    assert_page_ok(page)

    page.fill("input[name=password]", PASSWORD)
    solve_captcha(page)
    submit(page)

    expect(page).to_have_url(re.compile(r"/archive/$"))
    expect(page.locator(".archive-counts")).to_be_visible()


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_a_forgotten_username_is_sent_to_the_accounts_phone(
    new_page, live_server, account, settings, lang, width
):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    page = new_page(lang, width)
    page.goto(f"{live_server.url}/account/recover/username/")
    page.select_option("select[name=id_type]", "resident_id")
    page.fill("input[name=id_number]", account.id_number)
    page.fill("input[name=real_name]", account.real_name)
    solve_captcha(page)
    submit(page)

    # The page says the same for every answer; the user name goes only to the account's phone.
    expect(page).to_have_url(re.compile(r"/account/login/$"))
    expect(page.locator(".alert-info").first).to_be_visible()
    assert "139****0777" not in page.content()
    assert [m.phone for m in sms.outbox] == [account.phone]
    assert "139****0777" in sms.outbox[-1].text
    assert_page_ok(page)


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_a_forgotten_password_is_reset_with_an_sms_code(
    new_page, live_server, account, settings, lang, width
):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    page = new_page(lang, width)
    page.goto(f"{live_server.url}/account/recover/password/")
    page.fill("input[name=username]", account.phone)
    solve_captcha(page)
    submit(page)
    expect(page).to_have_url(re.compile(r"/account/recover/password/code/$"))

    code = re.search(r"\d{6}", sms.outbox[-1].text).group()
    page.fill("input[name=sms_code]", code)
    page.fill("input[name=password1]", "a brand new pass phrase 7")
    page.fill("input[name=password2]", "a brand new pass phrase 7")
    submit(page)
    expect(page).to_have_url(re.compile(r"/account/login/$"))

    log_in(page, live_server.url, account.phone, "a brand new pass phrase 7")
    expect(page).to_have_url(re.compile(r"/archive/$"))


@pytest.mark.parametrize(("lang", "width"), [("zh", 375), ("en", 1280)], ids=VISITOR_IDS)
def test_the_language_switch_changes_the_language_and_back(new_page, live_server, lang, width):
    page = new_page(lang, width)
    page.goto(f"{live_server.url}/help/")
    first = page.locator("html").get_attribute("lang")
    for expected in (("en" if lang == "zh" else "zh-Hans"), first):
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()  # on a phone the switch is in the folded menu
            # Opened, not still unfolding: a click during the animation can miss the switch.
            expect(page.locator("#site-nav")).to_have_class(re.compile(r"\bshow\b"))
        with page.expect_navigation():
            page.get_by_test_id("lang-switch").click()
        expect(page.locator("html")).to_have_attribute("lang", expected)
        expect(page).to_have_url(re.compile(r"/help/$"))
        assert_page_ok(page)
