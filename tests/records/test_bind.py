"""尝试绑定学籍: only a record with the account's own name and ID, and one generic refusal."""

from __future__ import annotations

import re

import pytest

from records.archive import ERR_BIND_FAILED
from records.models import School

pytestmark = pytest.mark.django_db

URL = "/archive/bind/"


@pytest.fixture
def unbound(client, student):
    student.person = None
    student.save()
    client.force_login(student)
    return client


def bind(client, school_code: str, number: str, year: int):
    school = School.objects.get(code=school_code)
    return client.post(URL, {"school": school.pk, "student_number": number, "entry_year": year})


def test_my_own_record_binds(unbound, student, people):
    response = bind(unbound, "10558", "2020558000051", 2020)
    student.refresh_from_db()
    assert response.status_code == 302
    assert student.person == people["张测试"]


def test_someone_elses_record_is_refused_generically(unbound, student):
    response = bind(unbound, "10558", "1955800062", 2019)
    student.refresh_from_db()
    assert student.person is None
    assert str(ERR_BIND_FAILED) in response.content.decode()


def test_an_unknown_student_number_gets_the_same_answer(unbound):
    known_but_not_mine = bind(unbound, "10558", "1955800062", 2019).content.decode()
    unknown = bind(unbound, "10558", "9999999999", 2019).content.decode()
    assert str(ERR_BIND_FAILED) in unknown
    strip = lambda html: re.sub(r'nonce="[^"]+"', "", html.split('name="csrfmiddlewaretoken"')[0])  # noqa: E731
    assert strip(known_but_not_mine) == strip(unknown)


def test_a_wrong_entry_year_is_refused(unbound, student):
    bind(unbound, "10558", "2020558000051", 2019)
    student.refresh_from_db()
    assert student.person is None


def test_a_name_that_differs_from_the_record_is_refused(unbound, student):
    student.real_name = "张改名"
    student.save()
    bind(unbound, "10558", "2020558000051", 2020)
    student.refresh_from_db()
    assert student.person is None


def test_binding_is_throttled(unbound):
    for _ in range(10):
        bind(unbound, "10558", "9999999999", 2019)
    assert bind(unbound, "10558", "9999999999", 2019).status_code == 429
