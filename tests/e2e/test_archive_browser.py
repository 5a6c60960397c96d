"""Journeys 4–6 in real Chromium: check records and photos, flag a photo, file a correction that
the school's registrar approves in the admin; the student then sees 已更正 and the new value."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from accounts.demo import REGISTRAR, STUDENT, demo_device
from tests.twofactor import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data():
    call_command("seed_demo", allow_demo_logins=True, stdout=StringIO())


def log_in(page: Page, base: str, phone: str, password: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", phone)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_the_example_student_flags_a_photo_and_gets_a_correction_approved(
    page: Page, browser: Browser, live_server, demo_data
):
    log_in(page, live_server.url, STUDENT.phone, STUDENT.password)
    page.get_by_role("link", name="查看学籍").click()
    expect(page.get_by_text("您一共有 2 个学籍")).to_be_visible()
    photos = page.locator(".record-photo img")
    expect(photos).to_have_count(4)
    page.wait_for_load_state("load")  # the images have arrived (or failed) by then
    for index in range(4):
        photos.nth(index).scroll_into_view_if_needed()
        assert photos.nth(index).evaluate("img => img.complete && img.naturalWidth") > 0

    page.get_by_role("link", name="图像校对", exact=True).first.click()
    first = page.locator(".photo-review-card").first
    first.get_by_label("有误").check()
    first.locator("input[name=comment]").fill("照片不是本人")
    first.get_by_role("button", name="提交").click()
    expect(page.locator(".photo-review-card").first).to_contain_text("有误")

    page.get_by_role("link", name="学籍信息/图像校对").click()
    page.locator(".record-card").first.get_by_role("link", name="申请更正").click()
    page.select_option("select[name=field]", "major")
    page.fill("input[name=proposed_value]", "劳动与社会保障")
    page.fill("textarea[name=reason]", "录取通知书上的专业为劳动与社会保障")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".correction-status").first).to_have_text("已提交")

    staff_context = browser.new_context(locale="zh-CN")
    staff = staff_context.new_page()
    staff.goto(f"{live_server.url}/admin/login/?next=/admin/records/correctionrequest/")
    staff.fill("input[name=username]", REGISTRAR.phone)
    staff.fill("input[name=password]", REGISTRAR.password)
    staff.locator("input[type=submit]").click()
    # Staff pass the TOTP step: the code an authenticator app would show for the demo key.
    expect(staff.get_by_label("动态口令")).to_be_visible()
    staff.get_by_label("动态口令").fill(current_code(demo_device(REGISTRAR)))
    staff.get_by_role("button", name="验证").click()
    staff.locator("#result_list tbody tr a").first.click()
    staff.get_by_label("通过并更正").check()
    staff.fill("input[name=note]", "已核对录取材料")
    staff.locator("input[name=_save]").click()
    expect(staff.locator(".messagelist")).to_be_visible()
    staff_context.close()

    page.reload()
    expect(page.locator(".correction-status").first).to_have_text("已更正")
    expect(page.locator(".timeline")).to_contain_text("已核对录取材料")
    page.goto(f"{live_server.url}/archive/xueji/")
    expect(page.locator(".record-card").first).to_contain_text("劳动与社会保障")
