"""The 2021届 survey in real Chromium: the seed's example student finds it on the 学籍 page,
answers it on a phone, and a national administrator sees the answer counted."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, ViewportSize, expect

from accounts.demo import ADMIN, STUDENT, demo_device
from surveys import demo
from tests.twofactor import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE: ViewportSize = {"width": 375, "height": 812}


@pytest.fixture
def demo_data():
    call_command("seed_demo", allow_demo_logins=True, stdout=StringIO())


def student_page(browser: Browser, base: str, locale: str, viewport: ViewportSize) -> Page:
    context = browser.new_context(locale=locale, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", STUDENT.phone)
    page.fill("input[name=password]", STUDENT.password)
    page.locator('form[action="/account/login/"] button[type=submit]').click()
    expect(page).to_have_url(re.compile(r"/archive/$"))
    return page


def staff_results(browser: Browser, base: str) -> Page:
    """A national administrator's results page of the demo survey, past the TOTP step."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    staff = context.new_page()
    staff.goto(f"{base}/admin/login/?next=/admin/surveys/survey/")
    staff.fill("input[name=username]", ADMIN.phone)
    staff.fill("input[name=password]", ADMIN.password)
    staff.locator("input[type=submit]").click()
    staff.get_by_label("动态口令").fill(current_code(demo_device(ADMIN)))
    staff.get_by_role("button", name="验证").click()
    staff.get_by_role("link", name="查看结果").first.click()
    expect(staff.locator("h1")).to_contain_text("调查结果")
    return staff


def counted(staff: Page, label: str) -> str:
    """The 全部 figure of a row of the first question's table (毕业去向)."""
    table = staff.locator(".survey-question-result").first
    row = table.locator("tr", has=staff.locator(f"th:text-is('{label}')"))
    return row.locator("td").first.inner_text().split()[0]


def test_the_example_student_answers_on_a_phone_and_is_counted(
    browser: Browser, live_server, demo_data
):
    staff = staff_results(browser, live_server.url)
    answered_before = int(counted(staff, "答题人数"))
    employed_before = int(counted(staff, "就业（签订就业协议或劳动合同）"))

    page = student_page(browser, live_server.url, "zh-CN", PHONE)
    page.goto(f"{live_server.url}/archive/xueji/")
    banner = page.locator(".survey-banner")
    expect(banner).to_contain_text(demo.TITLE)
    expect(banner).to_contain_text("待填写")
    # Where the seed shows it: above "您一共有 2 个学籍".
    summary = page.get_by_text("您一共有 2 个学籍")
    banner_box, summary_box = banner.bounding_box(), summary.bounding_box()
    assert banner_box is not None and summary_box is not None
    assert banner_box["y"] < summary_box["y"]

    banner.get_by_role("link", name=demo.TITLE).click()
    expect(page.locator("h1")).to_have_text(demo.TITLE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # 单位性质 is asked only after 就业.
    expect(page.locator("[data-key=employer_type]")).to_be_hidden()
    page.get_by_label("就业（签订就业协议或劳动合同）").check()
    expect(page.locator("[data-key=employer_type]")).to_be_visible()
    page.get_by_role("button", name="提交答卷").click()
    expect(page.locator(".survey-error-summary")).to_contain_text("道题需要修改")

    page.get_by_label("民营企业").check()
    page.select_option("select[name=q_work_city]", "440300")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".site-messages")).to_contain_text("草稿已保存")
    expect(page.get_by_label("民营企业")).to_be_checked()

    page.get_by_label("8000–11999元").check()
    page.get_by_label("比较相关").check()
    page.locator("[data-key=job_satisfaction]").get_by_label("满意", exact=True).check()
    page.get_by_label("实习后留用").check()
    page.fill("input[name=q_offers]", "2")
    page.locator("[data-key=guidance_satisfaction]").get_by_label("很满意").check()
    page.get_by_role("button", name="提交答卷").click()
    expect(page.locator(".site-messages")).to_contain_text("答卷已提交")
    expect(page.locator(".survey-answers")).to_contain_text("广东省 深圳市")
    expect(page.get_by_role("button", name="提交答卷")).to_have_count(0)

    page.goto(f"{live_server.url}/archive/xueji/")
    expect(page.locator(".survey-banner")).to_contain_text("已提交")

    staff.reload()
    assert int(counted(staff, "答题人数")) == answered_before + 1
    assert int(counted(staff, "就业（签订就业协议或劳动合同）")) == employed_before + 1


def test_an_english_reader_answers_on_a_wide_screen(browser: Browser, live_server, demo_data):
    page = student_page(browser, live_server.url, "en-US", {"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/archive/xueji/")
    page.get_by_role("link", name=demo.TITLE_EN).click()
    page.get_by_label("Still looking for work").check()
    expect(page.locator("[data-key=employer_type]")).to_be_hidden()
    page.fill("input[name=q_offers]", "40")
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("[data-key=offers]")).to_contain_text("from 0 to 30")
    page.fill("input[name=q_offers]", "0")
    page.locator("[data-key=guidance_satisfaction]").get_by_label("Neutral").check()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator(".survey-answers")).to_contain_text("Still looking for work")
