"""Journey 12 in real Chromium: a registrar (with the TOTP step) imports a roster that Excel on
Chinese Windows saved in GBK, fixes the row the dry run flags, imports it, graduates the class
in one bulk action, and uploads the class's 学历照片 as a ZIP (with the progress display).

Each runs in Chinese at desktop width and in English at phone width."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from accounts.demo import REGISTRAR, create_demo_logins, demo_device
from records.models import Enrollment, Person
from records.rosterfile import HEADERS
from records.synthetic import resident_id
from tests.factories import photo_file
from tests.twofactor import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLASS = "2024级仿真1班"
LANGUAGES = [("zh-CN", 1280), ("en-US", 375)]


@pytest.fixture
def demo_data():
    """The schools, the fixture people and the demo staff logins with their published TOTP
    keys — what these journeys need, without the whole demo data set."""
    call_command("loaddata", "schools", "test_people", verbosity=0)
    create_demo_logins(Person.objects.get(name="李另一"))


@pytest.fixture(params=LANGUAGES, ids=["zh-1280", "en-375"])
def staff_page(request, browser: Browser):
    locale, width = request.param
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def log_in_with_totp(page: Page, base: str, next_path: str) -> None:
    page.goto(f"{base}/admin/login/?next={next_path}")
    page.fill("input[name=username]", REGISTRAR.phone)
    page.fill("input[name=password]", REGISTRAR.password)
    page.locator("input[type=submit]").click()
    page.locator("input[name=token]").fill(current_code(demo_device(REGISTRAR)))
    page.locator(".staff-otp-form input[type=submit]").click()


def cohort_rows(fixed: bool) -> list[dict[str, str]]:
    """Three new 中山大学 students of one class; the second ID has a wrong check character
    until the registrar fixes it."""
    rows = []
    for n, name in enumerate(["欧阳晓", "买买提·阿力", "陈思远"], start=1):
        birth = datetime.date(2005, 4, n)
        number = resident_id("440106", birth, 30 + 2 * n + 1)  # odd sequence: a man
        if n == 2 and not fixed:
            number = number[:17] + ("0" if number[17] != "0" else "1")
        rows.append(
            {
                "姓名": name,
                "性别": "男",
                "出生日期": birth.isoformat(),
                "民族": "维吾尔族" if n == 2 else "汉族",
                "证件类型": "居民身份证",
                "证件号码": number,
                "学号": f"2024558{n:04d}",
                "层次": "本科",
                "专业": "社会工作",
                "学制": "4",
                "学历类别": "普通高等教育",
                "学习形式": "普通全日制",
                "分院": "社会学与人类学学院",
                "系": "社会工作系",
                "班级": CLASS,
                "入学日期": "2024-09-01",
                "预计毕业日期": "2028-07-01",
                "学籍状态": "在籍（注册学籍）",
                "院校代码": "10558",
            }  # fmt: skip
        )
    return rows


def excel_gbk_csv(path, rows: list[dict[str, str]]) -> None:
    """As Excel on Chinese Windows saves "CSV (逗号分隔)": GBK, CRLF, no BOM."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("gbk"))


def upload_roster(page: Page, path) -> None:
    page.set_input_files("input[name=import_file]", str(path))
    page.select_option("select[name=format]", label="csv")
    page.locator("form[enctype='multipart/form-data'] input[type=submit]").click()


def test_a_registrar_imports_a_gbk_roster_fixes_a_row_and_graduates_the_class(
    staff_page: Page, live_server, demo_data, tmp_path
):
    page = staff_page
    log_in_with_totp(page, live_server.url, "/admin/records/enrollment/import/")

    roster = tmp_path / "名册.csv"
    excel_gbk_csv(roster, cohort_rows(fixed=False))
    upload_roster(page, roster)
    flagged = page.locator(".roster-rows tr.roster-invalid")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("2024558" + "0002")
    expect(page.locator("input[name=confirm]")).to_have_count(0)
    assert not Enrollment.objects.filter(class_name=CLASS).exists()

    excel_gbk_csv(roster, cohort_rows(fixed=True))
    upload_roster(page, roster)
    expect(page.locator(".roster-rows tr.roster-new")).to_have_count(3)
    page.locator("input[name=confirm]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    names = set(Enrollment.objects.filter(class_name=CLASS).values_list("person__name", flat=True))
    assert names == {"欧阳晓", "买买提·阿力", "陈思远"}

    page.goto(f"{live_server.url}/admin/records/enrollment/?class_name={CLASS}")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "change_status")
    page.locator("#changelist-form button[name=index]").click()
    expect(page.locator(".staff-cohort-table tbody tr")).to_have_count(3)
    page.select_option("select[name=status]", "不在籍（毕业）")
    page.fill("input[name=leave_date]", "2028-07-01")
    page.fill("input[name=note]", "2028届毕业")
    page.locator(".staff-cohort-form input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("3")
    graduated = Enrollment.objects.filter(class_name=CLASS)
    assert set(graduated.values_list("status", flat=True)) == {"不在籍（毕业）"}
    assert all(e.history.latest().history_change_reason == "批量修改学籍状态：2028届毕业"
               for e in graduated)  # fmt: skip


def test_a_registrar_uploads_the_class_photos_as_a_zip(
    staff_page: Page, live_server, demo_data, tmp_path
):
    page = staff_page
    numbers = list(
        Enrollment.objects.filter(school__code="10558").values_list("student_number", flat=True)
    )
    assert len(numbers) >= 2  # the demo's 中山大学 students
    archive = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for number in numbers:
            out.writestr(f"毕业照/{number}.jpg", photo_file(number).read())
    before = dict(Enrollment.objects.values_list("student_number", "diploma_photo"))

    log_in_with_totp(page, live_server.url, "/admin/records/enrollment/photos/")
    page.set_input_files("input[name=archive]", str(archive))
    page.locator(".photo-batch-form input[type=submit]").click()
    expect(page.locator(".roster-rows tr.photo-matched")).to_have_count(len(numbers))
    assert dict(Enrollment.objects.values_list("student_number", "diploma_photo")) == before
    page.locator(".photo-batch form input[type=submit]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    after = dict(Enrollment.objects.values_list("student_number", "diploma_photo"))
    assert all(after[number] != before[number] for number in numbers)
