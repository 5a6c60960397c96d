"""Roster import (dry run, all-or-nothing, idempotent) and masked export of enrolments."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessLog
from records import identity, roster
from records.models import Enrollment, Person
from records.synthetic import resident_id
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:records_enrollment_import")
PROCESS = reverse("admin:records_enrollment_process_import")
EXPORT = reverse("admin:records_enrollment_export")
CSV_FORMAT, XLSX_FORMAT = "0", "1"

HEADERS = [
    "姓名", "性别", "出生日期", "民族", "证件类型", "证件号码", "学号", "层次", "专业", "学制",
    "学历类别", "学习形式", "分院", "系", "班级", "入学日期", "预计毕业日期", "学籍状态",
    "院校代码",
]  # fmt: skip


def roster_row(sequence: int = 11, **changes: str) -> dict[str, str]:
    """A new 北京大学 student; odd sequences are men (the 17th ID digit)."""
    birth = datetime.date(2001, 5, 4)
    row = {
        "姓名": "王导入", "性别": "男" if sequence % 2 else "女", "出生日期": "2001-05-04",
        "民族": "汉族", "证件类型": "居民身份证",
        "证件号码": resident_id("110108", birth, sequence),
        "学号": f"2023{sequence:04d}", "层次": "本科", "专业": "物理学", "学制": "4",
        "学历类别": "普通高等教育", "学习形式": "普通全日制", "分院": "", "系": "物理系",
        "班级": "一班", "入学日期": "2023-09-01", "预计毕业日期": "2027年07月01日",
        "学籍状态": "在籍（注册学籍）", "院校代码": "10001",
    }  # fmt: skip
    row.update(changes)
    return row


def csv_file(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS)
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("roster.csv", out.getvalue().encode("utf-8"), "text/csv")


def xlsx_file(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[header] for header in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def dry_run(client, upload, file_format: str = CSV_FORMAT):
    response = client.post(IMPORT, {"import_file": upload, "format": file_format})
    assert response.status_code == 200
    return response


def confirm(client, response):
    assert response.context.get("confirm_form") is not None, "the dry run did not pass"
    return client.post(PROCESS, response.context["confirm_form"].initial)


def import_file(client, upload, file_format: str = CSV_FORMAT):
    return confirm(client, dry_run(client, upload, file_format))


def rows_of(response) -> dict[int, tuple[str, list[str]]]:
    return {row.line: (row.import_type, row.problems) for row in response.context["result"].rows}


def counts() -> tuple[int, int]:
    return Enrollment.objects.count(), Person.objects.count()


# --- dry run -----------------------------------------------------------------------------------


def test_a_dry_run_reports_every_row_with_its_line_and_problem(registrar_a_client, people):
    good = roster_row(11)
    bad_checksum = roster_row(13)
    bad_checksum["证件号码"] = bad_checksum["证件号码"][:17] + (
        "0" if bad_checksum["证件号码"][17] != "0" else "1"
    )
    unknown_level = roster_row(15, 层次="大专")
    duplicate = roster_row(17, 学号=good["学号"])
    response = dry_run(registrar_a_client, csv_file([good, bad_checksum, unknown_level, duplicate]))
    rows = rows_of(response)
    assert rows[2] == ("new", [])
    assert rows[3][0] == "invalid"
    assert f"证件号码：{identity.ERR_CHECK_CHARACTER}" in rows[3][1]
    assert rows[4][0] == "invalid"
    assert rows[4][1][0].startswith("层次：未知的层次“大专”")
    assert "学号 20230011 在文件第 2 行已出现" in rows[5][1][0]


def test_a_dry_run_writes_nothing(registrar_a_client, people):
    before = counts()
    response = dry_run(registrar_a_client, csv_file([roster_row(11), roster_row(13)]))
    assert rows_of(response)[3] == ("new", [])
    assert counts() == before


def test_a_file_with_an_error_offers_no_confirmation(registrar_a_client, people):
    response = dry_run(registrar_a_client, csv_file([roster_row(11), roster_row(13, 层次="x")]))
    assert response.context.get("confirm_form") is None
    assert "试导入发现问题，未导入任何数据" in response.content.decode()


# --- confirming --------------------------------------------------------------------------------


def test_a_good_csv_file_imports_with_history(registrar_a_client, registrar_a, people):
    response = import_file(registrar_a_client, csv_file([roster_row(11), roster_row(12)]))
    assert response["Location"] == reverse("admin:records_enrollment_changelist")
    imported = Enrollment.objects.get(student_number="20230011")
    assert (imported.school.code, imported.person.name, imported.major) == (
        "10001",
        "王导入",
        "物理学",
    )
    latest = imported.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (registrar_a, "名册导入")


def test_a_good_xlsx_file_imports(registrar_a_client, people):
    import_file(registrar_a_client, xlsx_file([roster_row(11)]), XLSX_FORMAT)
    imported = Enrollment.objects.get(student_number="20230011")
    assert imported.expected_graduation_date == datetime.date(2027, 7, 1)
    assert imported.person.gender == "1"


def test_importing_the_same_file_twice_changes_nothing(registrar_a_client, people):
    rows = [roster_row(11), roster_row(12)]
    import_file(registrar_a_client, csv_file(rows))

    def state() -> list[object]:
        return [
            list(Enrollment.objects.order_by("pk").values_list("pk", "version", "major")),
            list(Person.objects.order_by("pk").values_list("pk", "version", "name")),
            Enrollment.history.count() + Person.history.count(),
        ]

    before = state()
    response = dry_run(registrar_a_client, csv_file(rows))
    assert {kind for kind, _problems in rows_of(response).values()} == {"skip"}
    confirm(registrar_a_client, response)
    assert state() == before


def test_an_existing_enrolment_is_updated_by_school_and_student_number(registrar_a_client, people):
    zhang = people["张测试"]
    row = roster_row(
        1, 姓名=zhang.name, 性别="男", 出生日期="1998-03-07", 证件号码=zhang.id_number,
        学号="1601100051", 专业="软件工程", 入学日期="2016-09-01", 预计毕业日期="2020-07-01",
        学籍状态="不在籍（毕业）",
    )  # fmt: skip
    response = dry_run(registrar_a_client, csv_file([row]))
    assert rows_of(response)[2] == ("update", [])
    confirm(registrar_a_client, response)
    enrollment = Enrollment.objects.get(student_number="1601100051")
    assert (enrollment.major, enrollment.version, enrollment.person_id) == ("软件工程", 2, zhang.pk)


def test_a_file_with_one_bad_row_imports_nothing(registrar_a_client, people, school_b):
    """The file passed the dry run, then a row went bad before confirming: nothing lands."""
    response = dry_run(registrar_a_client, csv_file([roster_row(11), roster_row(12)]))
    # Meanwhile the second row's ID number is registered at 中山大学 under another name.
    other = roster_row(12)
    Person.objects.create(
        name="赵别人", gender="2", birth_date=datetime.date(2001, 5, 4), ethnicity="01",
        id_type="resident_id", id_number=other["证件号码"],
    ).enrollments.create(
        school=school_b, level="本科", major="法学", duration="4", category="普通高等教育",
        study_mode="普通全日制", student_number="B-1", entry_date=datetime.date(2023, 9, 1),
        expected_graduation_date=datetime.date(2027, 7, 1), status="在籍（注册学籍）",
    )  # fmt: skip
    before = counts()
    confirm(registrar_a_client, response)
    assert counts() == before
    assert not Enrollment.objects.filter(student_number="20230011").exists()


# --- scope -------------------------------------------------------------------------------------


def test_rows_of_another_school_are_refused(registrar_a_client, people):
    response = dry_run(registrar_a_client, csv_file([roster_row(11, 院校代码="10558")]))
    kind, problems = rows_of(response)[2]
    assert kind == "invalid"
    assert "不能导入其他院校的学籍" in problems[0]
    assert not Enrollment.objects.filter(student_number="20230011").exists()


def test_a_registrar_cannot_overwrite_a_school_b_record_by_import(registrar_a_client, people):
    li = people["李另一"]
    row = roster_row(2, 姓名=li.name, 证件号码=li.id_number, 学号="1955800062", 院校代码="10558")
    response = dry_run(registrar_a_client, csv_file([row]))
    assert rows_of(response)[2][0] == "invalid"
    assert Enrollment.objects.get(student_number="1955800062").major == "汉语言文学"


def test_a_person_known_only_at_another_school_is_attached_when_the_facts_agree(
    registrar_a_client, people
):
    li = people["李另一"]
    row = roster_row(
        2, 姓名=li.name, 性别="女", 出生日期="2000-11-23", 民族="壮族", 证件号码=li.id_number
    )
    import_file(registrar_a_client, csv_file([row]))
    assert Enrollment.objects.get(student_number="20230002").person_id == li.pk


def test_a_person_known_only_at_another_school_is_not_changed_by_import(registrar_a_client, people):
    li = people["李另一"]
    row = roster_row(2, 姓名="李改名", 性别="女", 出生日期="2000-11-23", 民族="壮族",
                     证件号码=li.id_number)  # fmt: skip
    response = dry_run(registrar_a_client, csv_file([row]))
    assert rows_of(response)[2] == ("invalid", [f"证件号码：{roster.ERR_PERSON_DOES_NOT_MATCH}"])
    assert Person.objects.get(pk=li.pk).name == "李另一"


def test_support_staff_cannot_import(client_factory, people):
    from django.contrib.auth.models import Group

    from accounts import roles
    from tests.factories import UserFactory

    agent = UserFactory(phone="13900000403", is_staff=True)
    agent.groups.add(Group.objects.get(name=roles.SUPPORT))
    assert verified_login(client_factory(), agent).get(IMPORT).status_code == 403


# --- export ------------------------------------------------------------------------------------


def export_csv(client) -> list[dict[str, str]]:
    form = client.get(EXPORT).context["form"]
    data = {
        name: "on" for name, field in form.fields.items() if field.widget.input_type == "checkbox"
    }
    data.update({"format": CSV_FORMAT, "resource": form.initial.get("resource", "0")})
    response = client.post(EXPORT, data)
    assert response.status_code == 200, response.content[:500]
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_masks_id_numbers(admin_client_, people):
    rows = export_csv(admin_client_)
    numbers = {row["证件号码"] for row in rows}
    assert identity.mask_id_number(people["张测试"].id_number) in numbers
    assert people["张测试"].id_number not in numbers


def test_the_export_neutralises_spreadsheet_formulas(admin_client_, people):
    Enrollment.objects.filter(student_number="1601100051").update(
        major='=HYPERLINK("http://x.test","点我")', class_name="+1", department="@SUM(A1)"
    )
    row = next(r for r in export_csv(admin_client_) if r["学号"] == "1601100051")
    assert row["专业"].startswith("'=")
    assert row["班级"] == "'+1"
    assert row["系"] == "'@SUM(A1)"


def test_a_registrar_exports_only_their_school(registrar_a_client, people):
    assert {row["院校代码"] for row in export_csv(registrar_a_client)} == {"10001"}


def test_an_export_is_logged(registrar_a_client, registrar_a, people):
    export_csv(registrar_a_client)
    entry = AccessLog.objects.get(action="export")
    assert entry.actor == registrar_a
    assert "1 条" in entry.target
