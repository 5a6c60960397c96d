"""A report for two employers, in real Chromium: the student hides the ID number, makes a code
for each employer and closes one; a verifier types both codes at /verify/. The open one shows
the report issued for its employer with 本人选择不显示; the closed one gets the generic answer."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from verification.models import RecipientCode, VerificationReport

from .checks import assert_page_ok
from .conftest import VISITOR_IDS, VISITORS
from .helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HIDDEN = {"zh": "本人选择不显示", "en": "Hidden by the holder"}
ISSUED_FOR = {"zh": "出具对象：", "en": "Issued for: "}
INVALID = {"zh": "该在线验证码无效", "en": re.compile("not valid", re.I)}


@pytest.fixture
def signing_key(settings, tmp_path) -> None:
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True


def add_recipient(page: Page, label: str) -> None:
    form = page.locator("form.recipient-add")
    form.locator("input[name=label]").fill(label)
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".recipient-item", has_text=label)).to_be_visible()


def code_of(page: Page, label: str) -> str:
    return page.locator(".recipient-item", has_text=label).locator(".recipient-code").inner_text()


def verify(page: Page, base: str, code: str) -> None:
    page.goto(f"{base}/verify/")
    page.fill("input[name=code]", code)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_a_report_for_two_employers_one_code_closed(
    new_page, live_server, student, signing_key, lang, width
):
    page = new_page(lang, width)
    sign_in(page.context, live_server.url, student)
    page.goto(f"{live_server.url}/archive/reports/")
    page.locator("input[name=show_id_number]").uncheck()
    page.locator("input[name=consent]").check()
    page.locator("main form:has(select[name=months]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/archive/reports/[0-9a-f-]{36}/$"))
    assert VerificationReport.objects.get().hidden_fields == ["id_number"]

    add_recipient(page, "甲科技有限公司")
    add_recipient(page, "乙咨询有限公司")
    assert_page_ok(page)
    open_code, closed_code = code_of(page, "甲科技有限公司"), code_of(page, "乙咨询有限公司")

    closing = page.locator(".recipient-item", has_text="乙咨询有限公司")
    closing.locator("form[action$='/close/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(
        page.locator(".recipient-item", has_text="乙咨询有限公司").locator(".state-closed")
    ).to_be_visible()
    assert RecipientCode.objects.filter(closed_at__isnull=False).count() == 1

    verifier = new_page(lang, width)  # another browser: the employer's
    verify(verifier, live_server.url, open_code)
    expect(verifier.locator(".report-recipient")).to_have_text(ISSUED_FOR[lang] + "甲科技有限公司")
    expect(verifier.locator(".report-id_number")).to_have_text(HIDDEN[lang])
    assert student.id_number[-4:] not in verifier.locator(".report-table").inner_text()
    assert_page_ok(verifier)

    verify(verifier, live_server.url, closed_code)
    expect(verifier.get_by_role("heading", level=1)).to_have_text(INVALID[lang])
    expect(verifier.locator(".report-table")).to_have_count(0)
