"""Passwords scored with the person's context by zxcvbn, on top of the common-password list."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.passwords import ERR_GUESSABLE
from records.models import Enrollment, School

pytestmark = pytest.mark.django_db

OLD = "correct horse battery 9"


def change(client, new: str):
    return client.post(
        "/account/password/", {"current_password": OLD, "password1": new, "password2": new}
    )


def refusal(client, new: str) -> list[str]:
    response = change(client, new)
    return [str(e) for e in response.context["form"].errors.get("password1", [])]


@pytest.fixture
def shandong_student(student):
    """张测试 with a 学籍 at 山东大学 as well."""
    first = Enrollment.objects.filter(person=student.person).first()
    first.pk, first.public_id = None, uuid.uuid4()
    first.school = School.objects.get(name="山东大学")
    first.student_number = "202410422001"
    first.save()
    return student


def test_my_own_school_and_a_year_is_refused(student_client, shandong_student):
    assert str(ERR_GUESSABLE) in refusal(student_client, "山东大学2024")


def test_the_site_name_repeated_with_a_year_is_refused(student_client):
    assert str(ERR_GUESSABLE) in refusal(student_client, "学信网学信网2024")


def test_my_name_repeated_is_refused(student_client, student):
    assert str(ERR_GUESSABLE) in refusal(student_client, student.real_name * 4)


def test_a_keyboard_sequence_with_letters_is_refused(student_client):
    assert str(ERR_GUESSABLE) in refusal(student_client, "12345678abc")


def test_my_birth_date_in_a_password_is_refused(student, people):
    birth = student.id_number[6:14]
    with pytest.raises(ValidationError):
        validate_password(f"ab{birth}cd", student)


def test_a_long_passphrase_is_accepted(student_client, student):
    change(student_client, "绿色的山和远方的海 seven")
    student.refresh_from_db()
    assert student.check_password("绿色的山和远方的海 seven")


def test_the_refusal_names_no_school_of_anyone(people):
    """Every school's name is context for everyone, so a refusal says nothing about a person."""
    with pytest.raises(ValidationError):
        validate_password("清华大学2024", None)
