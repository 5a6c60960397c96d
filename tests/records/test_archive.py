"""学信档案 pages: the owner's records, in the real order, with a fixed query budget."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from records.models import Enrollment
from tests.factories import EnrollmentFactory, SchoolFactory

pytestmark = pytest.mark.django_db

PAGES = ["archive-home", "xueji", "xueli", "xuewei", "kaoyan", "quxiang", "scope", "bind",
         "photo-review", "corrections"]  # fmt: skip


@pytest.mark.parametrize("name", PAGES)
def test_every_page_needs_a_login(client, name):
    response = client.get(reverse(f"records:{name}"))
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_and_is_never_cached(student_client, name):
    response = student_client.get(reverse(f"records:{name}"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_english(student_client, name):
    student_client.cookies["django_language"] = "en"
    assert student_client.get(reverse(f"records:{name}")).status_code == 200


def test_the_xueji_page_counts_the_enrollments(student_client):
    assert "您一共有 2 个学籍" in student_client.get("/archive/xueji/").content.decode()


def test_the_card_shows_the_eighteen_fields_in_order(student_client):
    html = student_client.get("/archive/xueji/").content.decode()
    labels = ["姓名", "性别", "出生日期", "民族", "证件号码", "学校名称", "层次", "专业", "学制",
              "学历类别", "学习形式", "分院", "系(所、函授站)", "班级", "学号", "入学日期",
              "预计毕业日期", "学籍状态"]  # fmt: skip
    card = html[html.index('class="record-fields"') :]
    positions = [card.index(f"<dt>{label}</dt>") for label in labels]
    assert positions == sorted(positions)


def test_dates_and_duration_use_the_real_formats(student_client):
    html = student_client.get("/archive/xueji/").content.decode()
    assert "2020年09月01日" in html
    assert "<dd>3 年</dd>" in html


def test_the_owner_sees_the_full_id_number(student_client, student):
    assert student.id_number in student_client.get("/archive/xueji/").content.decode()


def test_photos_are_linked_through_the_private_view_only(student_client):
    html = student_client.get("/archive/xueji/").content.decode()
    enrollment = Enrollment.objects.get(student_number="2020558000051")
    assert reverse("records:enrollment-photo", args=[enrollment.public_id, "admission"]) in html
    assert enrollment.admission_photo.name not in html
    assert "private" not in html


def test_other_students_records_are_not_shown(student_client):
    assert "汉语言文学" not in student_client.get("/archive/xueji/").content.decode()


def test_an_account_without_records_gets_an_explanation(client, student):
    student.person = None
    student.save()
    client.force_login(student)
    html = client.get("/archive/xueji/").content.decode()
    assert "常见原因" in html
    assert reverse("records:bind") in html


def test_the_degree_and_diploma_tabs_show_their_cards(student_client):
    assert "计算机科学与技术" in student_client.get("/archive/xueli/").content.decode()
    assert "学位证书编号" in student_client.get("/archive/xuewei/").content.decode()


def test_empty_exam_and_destination_tabs_explain_why(student_client):
    assert "暂无考研信息" in student_client.get("/archive/kaoyan/").content.decode()
    assert "暂无毕业去向信息" in student_client.get("/archive/quxiang/").content.decode()


def more_enrollments(person, count: int) -> None:
    school = SchoolFactory()
    for n in range(count):
        EnrollmentFactory(
            person=person, school=school, entry_date=datetime.date(2000 + n, 9, 1),
            expected_graduation_date=datetime.date(2004 + n, 7, 1),
        )  # fmt: skip


@pytest.mark.parametrize("extra", [0, 8])
@pytest.mark.parametrize("name", ["xueji", "photo-review", "archive-home", "xueli", "corrections"])
def test_pages_stay_within_their_query_budget(
    student_client, student, extra, name, django_assert_max_num_queries
):
    more_enrollments(student.person, extra)
    # session + user + the page's own few reads (records with school, person and photo
    # reviews prefetched; counts on the home page), whatever the number of records; the home
    # page also counts the pending 查验申请 for its banner.
    budget = 10 if name == "archive-home" else 9
    with django_assert_max_num_queries(budget):
        assert student_client.get(reverse(f"records:{name}")).status_code == 200


def test_the_cached_cards_follow_a_change_to_the_record(student_client, registrar_b, student):
    from records import corrections

    assert "社会保障" in student_client.get("/archive/xueji/").content.decode()
    master = Enrollment.objects.get(student_number="2020558000051")
    correction = corrections.correction_submit(
        requester=student, record=master, field="major", proposed="劳动与社会保障", reason="x"
    )
    corrections.correction_approve(correction=correction, reviewer=registrar_b)
    assert "劳动与社会保障" in student_client.get("/archive/xueji/").content.decode()


def test_the_cached_cards_follow_a_photo_verdict(student_client):
    master = Enrollment.objects.get(student_number="2020558000051")
    student_client.get("/archive/xueji/")
    student_client.post("/archive/photo-review/", {
        "enrollment": str(master.public_id), "kind": "admission", "verdict": "wrong",
        "comment": "不是本人",
    })  # fmt: skip
    assert "录取照片：有误" in student_client.get("/archive/xueji/").content.decode()
