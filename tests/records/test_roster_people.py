"""Roster import never re-binds, merges or changes people (a 学号 moved to another person)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from records import roster
from records.models import Enrollment, Person
from records.rosterfile import EXAMPLE_STUDENT_NUMBER
from records.synthetic import resident_id
from tests.records.test_roster import confirm, counts, csv_file, dry_run, roster_row, rows_of

pytestmark = pytest.mark.django_db

ZHANG_BACHELOR = "1601100051"  # 张测试's 北京大学 学籍


def zhang_row(people, **changes: str) -> dict[str, str]:
    """张测试's 北京大学 row exactly as stored: imports as 无变化."""
    zhang = people["张测试"]
    row = roster_row(
        1, 姓名=zhang.name, 性别="男", 出生日期="1998-03-07", 证件号码=zhang.id_number,
        学号=ZHANG_BACHELOR, 专业="计算机科学与技术", 入学日期="2016-09-01",
        预计毕业日期="2020-07-01", 学籍状态="不在籍（毕业）", 系="", 班级="",
    )  # fmt: skip
    enrollment = Enrollment.objects.get(student_number=ZHANG_BACHELOR)
    row.update(
        {
            "层次": enrollment.level,
            "学制": enrollment.get_duration_display(),
            "学历类别": enrollment.category,
            "学习形式": enrollment.study_mode,
            "分院": enrollment.branch,
            "系": enrollment.department,
            "班级": enrollment.class_name,
            "预计毕业日期": enrollment.expected_graduation_date.isoformat(),
            "入学日期": enrollment.entry_date.isoformat(),
            "学籍状态": enrollment.status,
            "专业": enrollment.major,
        }
    )
    row.update(changes)
    return row


def test_the_unchanged_row_is_unchanged(registrar_a_client, people):
    response = dry_run(registrar_a_client, csv_file([zhang_row(people)]))
    assert rows_of(response)[2] == ("skip", [])


def test_a_student_number_cannot_be_moved_to_a_new_person(registrar_a_client, people):
    other_id = resident_id("110108", datetime.date(2001, 5, 4), 11)
    row = zhang_row(people, 姓名="王替换", 出生日期="2001-05-04", 证件号码=other_id)
    before = counts()
    response = dry_run(registrar_a_client, csv_file([roster_row(13), row]))
    kind, problems = rows_of(response)[3]
    assert kind == "invalid"
    assert problems == [
        "学号："
        + roster.ERR_NUMBER_OF_ANOTHER_PERSON
        % {"number": ZHANG_BACHELOR, "person": people["张测试"]}
    ]
    assert response.context.get("confirm_form") is None
    assert counts() == before


def test_a_student_number_cannot_be_moved_to_another_existing_person(registrar_a_client, people):
    """The reported bug: the row passed as 更新 and the 学籍 moved to 李另一."""
    li = people["李另一"]
    row = zhang_row(people, 姓名=li.name, 性别="女", 出生日期="2000-11-23", 民族="壮族",
                    证件号码=li.id_number)  # fmt: skip
    response = dry_run(registrar_a_client, csv_file([row]))
    assert rows_of(response)[2][0] == "invalid"
    assert "已是另一名学生" in rows_of(response)[2][1][0]
    enrollment = Enrollment.objects.get(student_number=ZHANG_BACHELOR)
    assert enrollment.person_id == people["张测试"].pk


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        ("姓名", "张测验", "张测试"),
        ("出生日期", "1998-03-08", "1998-03-07"),
        ("民族", "回族", "汉族"),
    ],
)
def test_an_id_registered_with_other_facts_is_refused_and_the_person_kept(
    registrar_a_client, people, column, value, stored
):
    response = dry_run(registrar_a_client, csv_file([zhang_row(people, **{column: value})]))
    kind, problems = rows_of(response)[2]
    assert kind == "invalid"
    assert f"{column}（已登记为“{stored}”）" in problems[0]
    zhang = Person.objects.get(pk=people["张测试"].pk)
    assert (zhang.name, zhang.birth_date, zhang.version) == (
        "张测试",
        datetime.date(1998, 3, 7),
        people["张测试"].version,
    )


@pytest.mark.parametrize(("column", "value"), [("姓名", "李改名"), ("民族", "汉族")])
def test_a_refusal_about_another_schools_person_names_no_field(
    registrar_a_client, people, column, value
):
    li = people["李另一"]
    row = roster_row(2, 姓名=li.name, 性别="女", 出生日期="2000-11-23", 民族="壮族",
                     证件号码=li.id_number)  # fmt: skip
    row[column] = value
    response = dry_run(registrar_a_client, csv_file([row]))
    assert rows_of(response)[2][1] == [f"证件号码：{roster.ERR_PERSON_DOES_NOT_MATCH}"]
    assert "已登记为" not in response.content.decode()


def test_one_new_id_with_two_names_in_one_file_is_refused(registrar_a_client, people):
    first = roster_row(11)
    second = roster_row(12, 姓名="王另名", 证件号码=first["证件号码"], 性别="男")
    response = dry_run(registrar_a_client, csv_file([first, second]))
    assert rows_of(response)[2] == ("new", [])
    assert rows_of(response)[3][0] == "invalid"
    assert "姓名（已登记为“王导入”）" in rows_of(response)[3][1][0]


def test_a_file_with_a_re_binding_row_writes_nothing_even_when_confirmed(
    registrar_a_client, people
):
    """The confirmation of a clean dry run, replayed after the file changed, still refuses."""
    response = dry_run(registrar_a_client, csv_file([roster_row(11)]))
    other_id = resident_id("110108", datetime.date(2001, 5, 4), 13)
    # Meanwhile someone enrols a different person under the same 学号.
    Enrollment.objects.create(
        person=Person.objects.create(
            name="赵先来", gender="1", birth_date=datetime.date(2001, 5, 4), ethnicity="01",
            id_type="resident_id", id_number=other_id,
        ),
        school=Enrollment.objects.get(student_number=ZHANG_BACHELOR).school,
        level="本科", major="物理学", duration="4", category="普通高等教育",
        study_mode="普通全日制", student_number="20230011",
        entry_date=datetime.date(2023, 9, 1), expected_graduation_date=datetime.date(2027, 7, 1),
        status="在籍（注册学籍）",
    )  # fmt: skip
    before = counts()
    confirm(registrar_a_client, response)
    assert counts() == before
    assert Enrollment.objects.get(student_number="20230011").person.name == "赵先来"


def test_a_withdrawn_enrolment_is_not_changed_by_import(registrar_a_client, people):
    Enrollment.objects.filter(student_number=ZHANG_BACHELOR).update(
        withdrawn_at=timezone.now(), withdrawn_reason="重复登记"
    )
    response = dry_run(registrar_a_client, csv_file([zhang_row(people, 专业="软件工程")]))
    assert rows_of(response)[2] == (
        "invalid",
        ["学号：" + roster.ERR_WITHDRAWN % {"number": ZHANG_BACHELOR}],
    )


def test_the_templates_example_row_is_refused(registrar_a_client, people):
    row = roster_row(11, 学号=EXAMPLE_STUDENT_NUMBER)
    response = dry_run(registrar_a_client, csv_file([row]))
    assert rows_of(response)[2] == ("invalid", [f"学号：{roster.ERR_TEMPLATE_EXAMPLE}"])


def test_a_blank_row_in_the_middle_is_skipped_with_its_line_kept(registrar_a_client, people):
    blank = dict.fromkeys(roster_row(11), "")
    response = dry_run(registrar_a_client, csv_file([roster_row(11), blank, roster_row(13)]))
    rows = rows_of(response)
    assert (rows[2][0], rows[3][0], rows[4][0]) == ("new", "skip", "new")
    assert "空行，已跳过" in response.content.decode()
