"""查验申请 in real Chromium: an employer asks for a candidate's 学历 on the public form, the
candidate approves it in the archive with the birth month hidden, and the code the employer
receives by email opens the report at /verify/ issued for the employer's organisation."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from verification.models import RecipientCode, VerifierRequest

from .checks import assert_page_ok
from .conftest import VISITOR_IDS, VISITORS
from .helpers import sign_in, solve_captcha

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SENT = {
    "zh": "已提交。若信息与某位学生一致，该学生将收到申请并决定是否同意；"
    "同意后查验码将发送至您的邮箱。",
    "en": "Submitted. If the details match a student, that student receives the request",
}
ISSUED_FOR = {"zh": "出具对象：", "en": "Issued for: "}
HIDDEN = {"zh": "本人选择不显示", "en": "Hidden by the holder"}
REQUEST_LINK = {"zh": "向学生申请查验", "en": "Ask the candidate"}


@pytest.fixture
def signing_key(settings, tmp_path) -> None:
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True


def ask(page: Page, base: str, lang: str) -> None:
    page.goto(f"{base}/verify/")
    page.get_by_role("link", name=REQUEST_LINK[lang]).click()
    expect(page).to_have_url(re.compile(r"/verify/request/$"))
    assert_page_ok(page)
    page.fill("input[name=organisation]", "甲科技有限公司")
    page.fill("input[name=contact_name]", "赵招聘")
    page.fill("input[name=contact_email]", "hr@jia.example.com")
    page.fill("input[name=candidate_name]", "张测试")
    page.fill("input[name=id_last4]", "0517")
    page.check("input[name=kinds][value=xueli]")
    page.fill("input[name=purpose]", "入职背景调查")
    solve_captcha(page, "main")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/verify/request/sent/$"))
    expect(page.locator(".request-sent")).to_contain_text(SENT[lang])
    assert_page_ok(page)


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_an_employer_asks_the_candidate_approves_and_the_code_verifies(
    new_page, live_server, student, signing_key, lang, width
):
    employer = new_page(lang, width)
    ask(employer, live_server.url, lang)
    assert VerifierRequest.objects.get().kinds == ["xueli"]

    candidate = new_page(lang, width)
    sign_in(candidate.context, live_server.url, student)
    candidate.goto(f"{live_server.url}/archive/")
    candidate.locator(".pending-verifier-requests a").click()
    expect(candidate).to_have_url(re.compile(r"/archive/requests/$"))
    assert_page_ok(candidate)
    candidate.locator(".request-item", has_text="甲科技有限公司").click()
    expect(candidate).to_have_url(re.compile(r"/archive/requests/[0-9a-f-]{36}/$"))
    assert_page_ok(candidate)

    form = candidate.locator("form.request-approve")
    form.locator("input[name=show_birth_date]").uncheck()
    form.locator("input[name=consent]").check()
    form.locator("button[type=submit]").click()
    expect(candidate.locator(".alert-success")).to_be_visible()
    expect(candidate.locator(".request-emailed")).to_be_visible()
    assert_page_ok(candidate)
    assert RecipientCode.objects.get().label == "甲科技有限公司"

    [email] = mail.outbox
    assert email.to == ["hr@jia.example.com"]
    code = re.search(r"/verify/(S[0-9A-Z]+)/", email.body).group(1)
    employer.goto(f"{live_server.url}/verify/")
    employer.fill("input[name=code]", code)
    with employer.expect_navigation():
        employer.locator("main form button[type=submit]").last.click()
    expect(employer.locator(".report-recipient")).to_have_text(ISSUED_FOR[lang] + "甲科技有限公司")
    expect(employer.locator(".report-birth_date")).to_have_text(HIDDEN[lang])
    assert_page_ok(employer)
