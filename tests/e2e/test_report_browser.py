"""Journeys 8 and 9 in real Chromium: a student issues a 学籍 report, a verifier without an
account opens it by the QR link, the student closes it, the verifier's reload shows the generic
message, and the student's 查验记录 lists the view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from records.masking import public_id_mask
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery 9"


@pytest.fixture
def account(people, settings, tmp_path):
    from django.utils import timezone

    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True
    return UserFactory(
        phone="13900000777",
        person=people["张测试"],
        identity_verified_at=timezone.now(),
        identity_verified_method="school_name",
    )


def test_a_report_is_issued_verified_closed_and_its_lookup_listed(
    page: Page, browser: Browser, live_server, account
):
    page.goto(f"{live_server.url}/account/login/")
    page.fill("input[name=username]", account.phone)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()

    page.goto(f"{live_server.url}/archive/xueji/")
    page.locator(".record-card").first.get_by_role("link", name="查看该学籍的在线验证报告").click()
    page.check("input[name=consent]")
    page.get_by_role("button", name="生成报告").click()
    code = page.locator(".report-code").inner_text().replace(" ", "")
    assert code.startswith("S")
    assert len(code) == 20
    expect(page.locator(".consent-record")).to_contain_text("授权范围")
    assert page.locator(".report-qr svg").count() == 1

    verifier_context = browser.new_context(locale="zh-CN")
    verifier = verifier_context.new_page()
    verifier.goto(f"{live_server.url}/verify/{code}/")
    expect(verifier.locator(".report-title")).to_contain_text("学籍在线验证报告")
    # Next to the birth month, only the tail of the number (records.masking).
    person = account.person
    expect(verifier.locator(".report-id_number")).to_have_text(
        public_id_mask(person.id_type, person.id_number, person.birth_date, person.gender)
    )
    expect(verifier.locator(".report-sheet")).not_to_contain_text(account.id_number[:6])
    expect(verifier.locator(".report-sheet")).not_to_contain_text(account.id_number)

    page.fill("input[name=reason]", "已完成入职审核")
    page.get_by_role("button", name="关闭报告").click()
    expect(page.locator(".report-status-bar")).to_contain_text("报告已关闭")

    verifier.reload()
    expect(verifier.get_by_role("heading", name="该在线验证码无效")).to_be_visible()
    verifier_context.close()

    page.reload()
    events = page.locator(".events-table tbody")
    expect(events).to_contain_text("二维码")
    expect(events).to_contain_text("查验成功")
    expect(events).to_contain_text("报告已关闭")
