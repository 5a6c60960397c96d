"""The admin: exact-number search, masked ID numbers, the shared validation, history."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from records import identity
from records.models import Enrollment, Person
from records.synthetic import resident_id

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/records/person/"


@pytest.fixture
def zhang(people) -> Person:
    return people["张测试"]


def names_found(client, term: str) -> set[str]:
    response = client.get(CHANGELIST, {"q": term})
    assert response.status_code == 200
    return {person.name for person in response.context["cl"].result_list}


def test_search_by_the_full_id_number_finds_the_person(admin_client_, zhang):
    assert names_found(admin_client_, zhang.id_number) == {"张测试"}


def test_search_by_part_of_an_id_number_finds_nobody(admin_client_, zhang):
    assert names_found(admin_client_, zhang.id_number[:10]) == set()


def test_search_by_name_finds_the_person(admin_client_, zhang):
    assert names_found(admin_client_, "张测") == {"张测试"}


def test_search_by_student_number_finds_the_person(admin_client_, zhang):
    assert names_found(admin_client_, "2020558000051") == {"张测试"}


def test_search_by_certificate_number_finds_the_person(admin_client_, zhang):
    number = zhang.qualifications.get().certificate_number
    assert names_found(admin_client_, number) == {"张测试"}


def test_the_list_shows_id_numbers_masked(admin_client_, zhang):
    html = admin_client_.get(CHANGELIST).content.decode()
    assert zhang.id_number not in html
    assert identity.mask_id_number(zhang.id_number) in html


def test_the_change_page_shows_the_full_number_to_allowed_staff(admin_client_, zhang):
    html = admin_client_.get(reverse("admin:records_person_change", args=[zhang.pk])).content
    assert zhang.id_number.encode() in html


def test_the_change_page_shows_photos_through_the_private_view(admin_client_, zhang):
    html = admin_client_.get(reverse("admin:records_person_change", args=[zhang.pk])).content
    enrollment = zhang.enrollments.first()
    assert (
        reverse("records:enrollment-photo", args=[enrollment.public_id, "admission"]).encode()
        in html
    )
    assert enrollment.admission_photo.name.encode() not in html


def test_the_add_form_refuses_a_bad_id_number_in_chinese(admin_client_):
    good = resident_id("110105", datetime.date(1999, 2, 28), 13)
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    response = admin_client_.post(
        reverse("admin:records_person_add"),
        {
            "name": "赵测试",
            "gender": "1",
            "birth_date": "1999-02-28",
            "ethnicity": "01",
            "id_type": "resident_id",
            "id_number": bad,
            **empty_inlines(),
        },
    )
    assert response.status_code == 200
    assert str(identity.ERR_CHECK_CHARACTER) in response.content.decode()
    assert not Person.objects.filter(name="赵测试").exists()


def test_the_add_form_accepts_a_lowercase_x(admin_client_):
    response = admin_client_.post(
        reverse("admin:records_person_add"),
        {
            "name": "钱测试",
            "gender": "2",
            "birth_date": "1990-03-07",
            "ethnicity": "01",
            "id_type": "resident_id",
            "id_number": "11010519900307048x",
            **empty_inlines(),
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(name="钱测试").id_number == "11010519900307048X"


def test_an_admin_change_is_kept_in_history_with_its_author(admin_client_, admin_user, people):
    enrollment = Enrollment.objects.get(student_number="2020558000051")
    url = reverse("admin:records_enrollment_change", args=[enrollment.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"major": "劳动与社会保障", "admission_photo": "", "diploma_photo": ""})
    data = {k: v for k, v in data.items() if k not in ("admission_photo", "diploma_photo")}
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    latest = enrollment.history.latest()
    assert (latest.major, latest.history_user) == ("劳动与社会保障", admin_user)


def test_a_registrar_lists_only_people_of_their_school(registrar_a_client):
    html = registrar_a_client.get(CHANGELIST).content.decode()
    assert "张测试" in html
    assert "李另一" not in html


def empty_inlines() -> dict[str, str]:
    data = {}
    for prefix in ("enrollments", "qualifications", "degrees"):
        data.update({
            f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        })  # fmt: skip
    return data
