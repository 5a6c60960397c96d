"""The 学籍 page and the logged-in account are read from the database on every request, so
every way their data can change shows on the next request, bulk writes included, and no
request ever sees another account's page."""

from __future__ import annotations

import pytest

from records.models import DegreeAward, Enrollment, PhotoReview, Qualification
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

XUEJI = "/archive/xueji/"


def page(client) -> str:
    response = client.get(XUEJI)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


def test_the_page_costs_a_fixed_number_of_queries(
    real_redis, settings, student_client, django_assert_max_num_queries
):
    # As in production: sessions in the database with a Redis copy in front. The account with
    # its person, the enrolments with their schools, their photo reviews, the survey answers.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    page(student_client)
    with django_assert_max_num_queries(4):
        html = page(student_client)
    assert "您一共有 2 个学籍" in html


def test_a_bulk_update_of_enrolments_shows_at_once(student_client, student):
    assert "社会学" not in page(student_client)
    Enrollment.objects.filter(person=student.person).update(major="社会学")
    assert "社会学" in page(student_client)


def test_a_bulk_update_of_accounts_logs_out_at_once(student_client, student):
    from accounts.models import User

    page(student_client)
    User.objects.filter(pk=student.pk).update(is_active=False)
    assert student_client.get(XUEJI)["Location"].startswith("/account/login/")


def test_a_changed_enrolment_shows_at_once(student_client, student):
    assert "社会学" not in page(student_client)
    enrollment = Enrollment.objects.filter(person=student.person).first()
    enrollment.major = "社会学"
    enrollment.save()
    assert "社会学" in page(student_client)


def test_a_new_enrolment_shows_at_once(student_client, student):
    page(student_client)
    EnrollmentFactory(person=student.person)
    assert "您一共有 3 个学籍" in page(student_client)


def test_a_changed_person_shows_at_once(student_client, student):
    page(student_client)
    person = student.person
    person.name = "张更正"
    person.save()
    assert "张更正" in page(student_client)


def test_a_photo_review_shows_at_once(student_client, master):
    page(student_client)
    PhotoReview.objects.create(
        enrollment=master, kind="admission", verdict=PhotoReview.Verdict.WRONG, comment="不是本人"
    )
    assert "有误" in page(student_client)


def test_a_renamed_school_shows_at_once(student_client, school_b):
    page(student_client)
    school_b.name = "中山大学（更名）"
    school_b.save()
    assert "中山大学（更名）" in page(student_client)


def test_a_deactivated_account_is_logged_out_at_once(student_client, student):
    page(student_client)
    student.is_active = False
    student.save()
    assert student_client.get(XUEJI)["Location"].startswith("/account/login/")


def test_a_password_changed_elsewhere_ends_this_session(student_client, student):
    page(student_client)
    student.set_password("a completely new passphrase 7")
    student.save()
    assert student_client.get(XUEJI)["Location"].startswith("/account/login/")


def test_an_account_unbound_from_its_person_sees_the_empty_archive(student_client, student):
    page(student_client)
    student.person = None
    student.save()
    assert "暂未查询到您的学籍学历信息" in page(student_client)


def test_a_deleted_person_leaves_the_account_without_records(student_client, student):
    page(student_client)
    person = student.person
    for related in (DegreeAward, Qualification, Enrollment):
        related.objects.filter(person=person).delete()
    person.delete()
    assert "暂未查询到您的学籍学历信息" in page(student_client)


def test_two_accounts_never_see_each_others_page(
    student_client, student, other_student, client_factory
):
    other = client_factory()
    other.force_login(other_student)
    mine, theirs = page(student_client), page(other)
    assert student.person.id_number in mine
    assert student.person.id_number not in theirs
    assert other_student.person.id_number in theirs
    assert other_student.person.id_number not in page(student_client)


def test_the_languages_are_kept_apart(student_client):
    assert "您一共有 2 个学籍" in page(student_client)
    student_client.cookies["django_language"] = "en"
    assert "You have 2 enrolments" in page(student_client)
    del student_client.cookies["django_language"]
    assert "您一共有 2 个学籍" in page(student_client)


def test_each_response_has_its_own_nonce_and_a_working_csrf_token(student_client):
    first, second = student_client.get(XUEJI), student_client.get(XUEJI)
    nonces = [
        r["Content-Security-Policy"].split("'nonce-")[1].split("'")[0] for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[1]}"' in second.content.decode()
    token = second.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    student_client.handler.enforce_csrf_checks = True
    response = student_client.post("/account/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert student_client.get(XUEJI)["Location"].startswith("/account/login/")


def test_a_waiting_message_is_shown_once_and_never_kept(student_client, master):
    page(student_client)
    student_client.post("/archive/photo-review/", {
        "enrollment": str(master.public_id), "kind": "admission", "verdict": "correct",
        "comment": "",
    })  # fmt: skip
    assert "图像校对结果已提交。" in page(student_client)
    assert "图像校对结果已提交。" not in page(student_client)
