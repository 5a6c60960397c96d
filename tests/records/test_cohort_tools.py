"""Registrar tools: a class's 学籍状态 at once, filters, exact search, 撤销 and its undoing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from records import cohort
from records.models import Enrollment
from tests.factories import EnrollmentFactory, PersonFactory
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

LIST = reverse("admin:records_enrollment_changelist")
GRADUATED = "不在籍（毕业）"


@pytest.fixture
def the_class(school_a) -> list[Enrollment]:
    """Three 北京大学 students of 2024级1班 (物理学), 在籍."""
    return [
        EnrollmentFactory.create(
            school=school_a,
            person=PersonFactory(),
            major="物理学",
            class_name="2024级1班",
            entry_date=datetime.date(2024, 9, 1),
            expected_graduation_date=datetime.date(2028, 7, 1),
        )  # fmt: skip
        for _ in range(3)
    ]


def act(client, action: str, objects, **extra):
    data = {"action": action, "index": "0", "_selected_action": [o.pk for o in objects], **extra}
    return client.post(LIST, data)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def statuses(objects) -> list[str]:
    return [Enrollment.objects.get(pk=o.pk).status for o in objects]


# --- bulk 学籍状态 -----------------------------------------------------------------------------


def test_the_bulk_status_change_shows_a_confirmation_first(registrar_a_client, the_class):
    response = act(registrar_a_client, "change_status", the_class)
    html = response.content.decode()
    assert response.status_code == 200
    assert "将对以下 3 条学籍执行" in html
    assert 'name="note"' in html
    assert 'name="status"' in html
    assert statuses(the_class) == ["在籍（注册学籍）"] * 3


def test_the_note_is_required(registrar_a_client, the_class):
    response = act(registrar_a_client, "change_status", the_class, confirm="yes", status=GRADUATED)
    assert response.status_code == 200
    assert "note" in response.context["form"].errors
    assert statuses(the_class) == ["在籍（注册学籍）"] * 3


def test_confirming_changes_every_row_with_its_own_history_and_a_count(
    registrar_a_client, registrar_a, the_class
):
    response = act(
        registrar_a_client, "change_status", the_class,
        confirm="yes", status=GRADUATED, leave_date="2028-07-01", note="2028届毕业",
    )  # fmt: skip
    assert response.status_code == 302
    assert statuses(the_class) == [GRADUATED] * 3
    for enrollment in the_class:
        latest = Enrollment.objects.get(pk=enrollment.pk).history.latest()
        assert (latest.history_change_reason, latest.history_user) == (
            "批量修改学籍状态：2028届毕业",
            registrar_a,
        )
        assert latest.leave_date == datetime.date(2028, 7, 1)
        assert latest.version == 2
    assert "已将 3 条学籍的学籍状态改为“不在籍（毕业）”" in messages_of(response)[0]


def test_one_bad_row_changes_nothing(registrar_a_client, the_class):
    late = the_class[1]
    Enrollment.objects.filter(pk=late.pk).update(entry_date=datetime.date(2024, 10, 1))
    response = act(
        registrar_a_client, "change_status", the_class,
        confirm="yes", status=GRADUATED, leave_date="2024-09-15", note="x",
    )  # fmt: skip
    assert statuses(the_class) == ["在籍（注册学籍）"] * 3
    assert [e.history.count() for e in the_class] == [1, 1, 1]
    assert f"未修改任何学籍：学号 {late.student_number}" in messages_of(response)[0]


def test_a_crafted_selection_cannot_reach_another_school(registrar_a_client, the_class, people):
    li = Enrollment.objects.get(student_number="1955800062")  # 中山大学
    act(
        registrar_a_client, "change_status", [*the_class, li],
        confirm="yes", status=GRADUATED, note="x",
    )  # fmt: skip
    assert Enrollment.objects.get(pk=li.pk).status == "在籍（注册学籍）"
    assert statuses(the_class) == [GRADUATED] * 3


def test_select_all_across_pages_keeps_the_filter(registrar_a_client, the_class, people):
    url = f"{LIST}?class_name=2024级1班"
    data = {"action": "change_status", "index": "0", "select_across": "1",
            "_selected_action": [the_class[0].pk]}  # fmt: skip
    page = registrar_a_client.post(url, data)
    assert "将对以下 3 条学籍执行" in page.content.decode()
    registrar_a_client.post(url, {**data, "confirm": "yes", "status": GRADUATED, "note": "x"})
    assert statuses(the_class) == [GRADUATED] * 3
    assert Enrollment.objects.get(student_number="1601100051").status == GRADUATED  # unchanged


# --- filters and search ------------------------------------------------------------------------


def listed(client, **params: str) -> set[str]:
    response = client.get(LIST, params)
    return {e.student_number for e in response.context["cl"].result_list}


def test_the_list_filters_by_entry_year_major_and_class(registrar_a_client, the_class, people):
    numbers = {e.student_number for e in the_class}
    assert listed(registrar_a_client, entry_year="2024") == numbers
    assert listed(registrar_a_client, major="物理学") == numbers
    assert listed(registrar_a_client, class_name="2024级1班") == numbers
    assert listed(registrar_a_client, entry_year="2016") == {"1601100051"}


def test_the_filter_choices_come_from_the_registrars_school_only(registrar_a_client, the_class):
    html = registrar_a_client.get(LIST).content.decode()
    assert "物理学" in html
    assert "社会保障" not in html
    assert "汉语言文学" not in html


def test_the_list_filters_by_level_status_and_category(registrar_a_client, the_class, people):
    assert listed(registrar_a_client, status__exact=GRADUATED) == {"1601100051"}
    assert "1601100051" in listed(registrar_a_client, level__exact="本科")
    assert len(listed(registrar_a_client, category__exact="普通高等教育")) == 4


def test_enrolments_are_found_by_exact_id_number_student_number_and_name(
    registrar_b_client, people
):
    li = people["李另一"]
    assert listed(registrar_b_client, q=li.id_number) == {"1955800062"}
    assert listed(registrar_b_client, q=li.id_number[:10]) == set()
    assert listed(registrar_b_client, q="1955800062") == {"1955800062"}
    assert listed(registrar_b_client, q="195580006") == set()
    assert listed(registrar_b_client, q="另一") == {"1955800062"}


def test_search_by_id_number_stays_within_the_school(registrar_a_client, people):
    assert listed(registrar_a_client, q=people["李另一"].id_number) == set()


# --- 撤销 -------------------------------------------------------------------------------------


@pytest.fixture
def zhang_master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


@pytest.fixture
def school_b_staff(client_factory, registrar_b):
    """中山大学's registrar in a browser of their own (the student uses the default client)."""
    return verified_login(client_factory(), registrar_b)


def withdraw(client, enrollment: Enrollment, note: str = "重复录入"):
    return act(client, "withdraw", [enrollment], confirm="yes", note=note)


def test_withdrawing_needs_a_reason(registrar_b_client, zhang_master):
    response = act(registrar_b_client, "withdraw", [zhang_master], confirm="yes")
    assert "note" in response.context["form"].errors
    assert Enrollment.objects.get(pk=zhang_master.pk).withdrawn_at is None


def test_a_withdrawn_record_is_invisible_to_the_student_and_kept_in_history(
    school_b_staff, student_client, zhang_master, registrar_b
):
    assert "您一共有 2 个学籍" in student_client.get("/archive/xueji/").content.decode()
    withdraw(school_b_staff, zhang_master)
    zhang_master.refresh_from_db()
    assert (zhang_master.withdrawn_reason, zhang_master.withdrawn_by) == ("重复录入", registrar_b)
    assert zhang_master.history.latest().history_change_reason == "撤销：重复录入"
    assert "您一共有 1 个学籍" in student_client.get("/archive/xueji/").content.decode()
    photo = reverse("records:enrollment-photo", args=[zhang_master.public_id, "admission"])
    assert student_client.get(photo).status_code == 404


def test_withdrawing_closes_the_records_live_reports(registrar_b_client, student, zhang_master):
    from verification import services

    report = services.report_issue(owner=student, record=zhang_master)
    withdraw(registrar_b_client, zhang_master)
    report.refresh_from_db()
    assert report.closed_at is not None
    assert report.close_reason == cohort.REPORT_CLOSED_REASON


def test_a_withdrawn_record_is_read_only_for_the_registrar(registrar_b_client, zhang_master):
    withdraw(registrar_b_client, zhang_master)
    url = reverse("admin:records_enrollment_change", args=[zhang_master.pk])
    html = registrar_b_client.get(url).content.decode()
    assert 'name="_save"' not in html
    assert "重复录入" in html


def test_only_a_national_administrator_restores(school_b_staff, admin_client_, zhang_master):
    withdraw(school_b_staff, zhang_master)
    act(school_b_staff, "restore", [zhang_master], confirm="yes", note="误撤销")
    assert Enrollment.objects.get(pk=zhang_master.pk).withdrawn_at is not None
    assert 'value="restore"' not in school_b_staff.get(LIST).content.decode()
    act(admin_client_, "restore", [zhang_master], confirm="yes", note="误撤销")
    restored = Enrollment.objects.get(pk=zhang_master.pk)
    assert (restored.withdrawn_at, restored.withdrawn_reason) == (None, "")
    assert restored.history.latest().history_change_reason == "恢复已撤销的学籍：误撤销"


def test_the_withdrawn_filter(registrar_b_client, zhang_master, people):
    withdraw(registrar_b_client, zhang_master)
    assert listed(registrar_b_client, withdrawn="yes") == {"2020558000051"}
    assert listed(registrar_b_client, withdrawn="no") == {"1955800062"}
