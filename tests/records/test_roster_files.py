"""Roster files from Chinese Excel: encodings, the template, the BOM, and the XLSX round trip."""

from __future__ import annotations

import codecs
import csv
import io
import random

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessLog
from records import rosterfile
from records.models import Enrollment, Person
from records.synthetic import chinese_name
from tests.records.test_roster import (
    CSV_FORMAT,
    EXPORT,
    HEADERS,
    IMPORT,
    XLSX_FORMAT,
    confirm,
    dry_run,
    roster_row,
    rows_of,
)
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

ENCODINGS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "gbk": "gbk", "gb18030": "gb18030"}


def csv_bytes(rows: list[dict[str, str]], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name: str = "roster.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "text/csv")


def cohort() -> list[dict[str, str]]:
    """Names Excel users type: plain, with the middle dot, with a rarer character."""
    return [
        roster_row(11),
        roster_row(13, 姓名="阿依古丽·买买提", 民族="维吾尔族", 班级="二班"),
        roster_row(15, 姓名="欧阳喆", 专业="汉语言文学"),
    ]


def imported_state() -> list[tuple[object, ...]]:
    return list(
        Enrollment.objects.filter(student_number__startswith="2023")
        .order_by("student_number")
        .values_list("student_number", "person__name", "person__ethnicity", "major", "class_name")
    )


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_gbk_gb18030_utf8_and_utf8_bom_files_import_the_same(registrar_a_client, people, encoding):
    response = dry_run(registrar_a_client, upload(csv_bytes(cohort(), ENCODINGS[encoding])))
    assert {line: kind for line, (kind, _p) in rows_of(response).items()} == {
        2: "new",
        3: "new",
        4: "new",
    }
    confirm(registrar_a_client, response)
    assert imported_state() == [
        ("20230011", "王导入", "01", "物理学", "一班"),
        ("20230013", "阿依古丽·买买提", "05", "物理学", "二班"),
        ("20230015", "欧阳喆", "01", "汉语言文学", "一班"),
    ]


def test_a_gb18030_file_keeps_a_name_gbk_cannot_hold(registrar_a_client, people):
    rare = "王\U00020000"  # a CJK Extension B character: four bytes in GB18030, none in GBK
    data = csv_bytes([roster_row(11, 姓名=rare)], "gb18030")
    with pytest.raises(UnicodeEncodeError):
        rare.encode("gbk")
    confirm(registrar_a_client, dry_run(registrar_a_client, upload(data)))
    assert Person.objects.filter(name=rare).exists()


def test_an_undecodable_file_gets_a_clear_chinese_error(registrar_a_client, people):
    data = csv_bytes([roster_row(11)], "utf-8") + b"\xff\xfe\x80\x81\xff"
    response = dry_run(registrar_a_client, upload(data))
    errors = response.context["form"].errors["import_file"]
    assert errors == [str(rosterfile.ERR_UNDECODABLE)]
    assert "UnicodeDecodeError" not in response.content.decode()


def test_a_utf16_unicode_text_file_is_named_for_what_it_is(registrar_a_client, people):
    data = csv_bytes([roster_row(11)], "utf-16")
    response = dry_run(registrar_a_client, upload(data))
    assert response.context["form"].errors["import_file"] == [str(rosterfile.ERR_UTF16)]


def test_a_workbook_uploaded_as_csv_is_told_apart(registrar_a_client, people):
    data = rosterfile.template_xlsx("10001")
    response = dry_run(registrar_a_client, upload(data, "roster.csv"))
    assert response.context["form"].errors["import_file"] == [str(rosterfile.ERR_BINARY)]


def test_a_missing_column_is_named(registrar_a_client, people):
    text = csv_bytes([roster_row(11)], "utf-8").decode().replace("院校代码", "学校")
    response = dry_run(registrar_a_client, upload(text.encode()))
    assert response.context["form"].errors["import_file"] == [
        str(rosterfile.ERR_MISSING_COLUMNS % {"columns": "院校代码"})
    ]


def test_gbk_chinese_is_never_taken_for_utf8():
    """Every name and header the demo knows, saved as GBK, is read back as GB18030 text."""
    samples = [
        *HEADERS,
        *(chinese_name(random.Random(n), gender) for n in range(250) for gender in "12"),
    ]
    for sample in samples:
        text, encoding = rosterfile.decode_text(sample.encode("gbk"))
        assert (text, encoding) == (sample, "gb18030"), sample


def test_plain_ascii_and_utf8_are_utf8():
    assert rosterfile.decode_text(b"a,b\r\n1,2\r\n") == ("a,b\r\n1,2\r\n", "utf-8")
    assert rosterfile.decode_text("姓名".encode()) == ("姓名", "utf-8")
    assert rosterfile.decode_text(codecs.BOM_UTF8 + "姓名".encode()) == ("姓名", "utf-8-sig")


# --- what we write -----------------------------------------------------------------------------


def export(client, *, resource: str = "0", file_format: str = CSV_FORMAT):
    form = client.get(EXPORT).context["form"]
    data = {
        name: "on"
        for name, field in form.fields.items()
        if getattr(field.widget, "input_type", "") == "checkbox"
    }
    data.update({"format": file_format, "resource": resource})
    return client.post(EXPORT, data)


def test_the_csv_export_starts_with_a_bom_for_excel(registrar_a_client, people):
    response = export(registrar_a_client)
    assert response.content.startswith(codecs.BOM_UTF8)
    assert response.content[3:].decode("utf-8").startswith("姓名,性别")


def test_the_xlsx_template_has_headers_an_example_and_the_allowed_values(registrar_a_client):
    response = registrar_a_client.get(
        reverse("admin:records_enrollment_import_template", args=["xlsx"])
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet, allowed = book["学籍名册"], book["可填值"]
    rows = list(sheet.values)
    assert list(rows[0]) == HEADERS
    assert rows[1][HEADERS.index("院校代码")] == "10001"
    columns = {
        column[0]: [v for v in column[1:] if v] for column in allowed.iter_cols(values_only=True)
    }
    assert columns["学籍状态"][0] == "在籍（注册学籍）"
    assert "不在籍（毕业）" in columns["学籍状态"]
    assert set(columns) == set(rosterfile.CODED_COLUMNS)
    assert len(columns["民族"]) >= 56


def test_the_csv_template_opens_in_excel_and_reads_back(registrar_b_client):
    response = registrar_b_client.get(
        reverse("admin:records_enrollment_import_template", args=["csv"])
    )
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1][HEADERS.index("院校代码")] == "10558"


def test_the_import_page_recommends_xlsx_and_links_the_templates(registrar_a_client):
    html = registrar_a_client.get(IMPORT).content.decode()
    assert "推荐使用 XLSX" in html
    assert reverse("admin:records_enrollment_import_template", args=["xlsx"]) in html


# --- the round trip ----------------------------------------------------------------------------


def test_an_xlsx_export_for_reimport_imports_back_unchanged(registrar_b_client, people):
    Enrollment.objects.filter(student_number="1955800062").update(
        major="=危险公式", class_name="-1班"
    )
    response = export(registrar_b_client, resource="1", file_format=XLSX_FORMAT)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    ids = [
        row[HEADERS.index("证件号码")] for row in book.active.iter_rows(min_row=2, values_only=True)
    ]
    assert people["李另一"].id_number in ids  # full numbers, so the file can come back
    upload_ = SimpleUploadedFile("roster.xlsx", response.content)
    result = dry_run(registrar_b_client, upload_, XLSX_FORMAT)
    assert {kind for kind, _problems in rows_of(result).values()} == {"skip"}
    assert len(rows_of(result)) == Enrollment.objects.filter(school__code="10558").count()


def test_a_full_id_export_is_logged_as_such(registrar_b_client, registrar_b, people):
    export(registrar_b_client, resource="1", file_format=XLSX_FORMAT)
    entry = AccessLog.objects.get()
    assert (entry.actor, entry.action) == (registrar_b, "export_full_id")
    assert "含完整证件号码" in entry.target


def test_staff_who_cannot_see_full_ids_are_not_offered_them(client_factory, people):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    school = people["李另一"].enrollments.get().school
    viewer = UserFactory(phone="13900000404", is_staff=True, school=school)
    viewer.user_permissions.add(Permission.objects.get(codename="view_enrollment"))
    client = verified_login(client_factory(), viewer)
    form = client.get(EXPORT).context["form"]
    assert [label for _i, label in form.fields["resource"].choices] == ["学籍名册"]
    response = export(client, resource="1", file_format=XLSX_FORMAT)
    assert response.status_code == 200
    assert "form" in response.context  # refused: the form again
    assert not AccessLog.objects.exists()


def test_the_export_page_names_columns_in_chinese(registrar_b_client, people):
    html = registrar_b_client.get(EXPORT).content.decode()
    assert "出生日期" in html
    assert "全选" in html
    assert "Birth Date" not in html
    assert "Select all" not in html
