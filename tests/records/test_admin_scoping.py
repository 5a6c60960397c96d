"""A school-A registrar reaches nothing of school B in the admin (DESIGN §4.6).

Each way in is its own test: list, open, change, delete, history, autocomplete, actions,
foreign keys (moving a record or a person into school B, attaching a record to a person of
school B). Exports and imports are in test_roster.py. Outside the scope the answer is the
admin's answer for a missing object.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts import roles
from records import corrections
from records.models import Enrollment
from tests.admin_forms import admin_form_data
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

MISSING_PK = 987654


@pytest.fixture
def b_enrollment(people) -> Enrollment:
    """李另一's 本科 at 中山大学 (school B)."""
    return Enrollment.objects.get(person__name="李另一")


@pytest.fixture
def a_enrollment(people) -> Enrollment:
    """张测试's 本科 at 北京大学 (school A)."""
    return Enrollment.objects.get(person__name="张测试", school__code="10001")


def change_url(model: str, pk: int) -> str:
    return reverse(f"admin:records_{model}_change", args=[pk])


def test_the_list_shows_no_records_of_school_b(registrar_a_client, b_enrollment):
    response = registrar_a_client.get(reverse("admin:records_enrollment_changelist"))
    listed = {e.pk for e in response.context["cl"].result_list}
    assert b_enrollment.pk not in listed
    assert listed


def test_the_person_list_shows_nobody_only_at_school_b(registrar_a_client, people):
    response = registrar_a_client.get(reverse("admin:records_person_changelist"))
    assert {p.name for p in response.context["cl"].result_list} == {"张测试"}


def test_a_change_page_of_school_b_answers_like_a_missing_object(registrar_a_client, b_enrollment):
    response = registrar_a_client.get(change_url("enrollment", b_enrollment.pk))
    missing = registrar_a_client.get(change_url("enrollment", MISSING_PK))
    assert (response.status_code, response["Location"]) == (302, missing["Location"])


def test_a_person_of_school_b_cannot_be_opened(registrar_a_client, people):
    response = registrar_a_client.get(change_url("person", people["李另一"].pk))
    assert response.status_code == 302


def test_a_record_of_school_b_cannot_be_changed(registrar_a_client, b_enrollment):
    registrar_a_client.post(
        change_url("enrollment", b_enrollment.pk), {"major": "被改掉的专业", "version": "1"}
    )
    b_enrollment.refresh_from_db()
    assert b_enrollment.major == "汉语言文学"


def test_a_record_of_school_b_cannot_be_deleted_even_with_the_permission(
    registrar_a, registrar_a_client, b_enrollment
):
    registrar_a.user_permissions.add(Permission.objects.get(codename="delete_enrollment"))
    url = reverse("admin:records_enrollment_delete", args=[b_enrollment.pk])
    response = registrar_a_client.post(url, {"post": "yes"})
    missing = registrar_a_client.post(
        reverse("admin:records_enrollment_delete", args=[MISSING_PK]), {"post": "yes"}
    )
    assert (response.status_code, response["Location"]) == (302, missing["Location"])
    assert Enrollment.objects.filter(pk=b_enrollment.pk).exists()


def test_the_history_of_a_record_of_school_b_is_404(registrar_a_client, b_enrollment):
    url = reverse("admin:records_enrollment_history", args=[b_enrollment.pk])
    assert registrar_a_client.get(url).status_code == 404


def test_the_history_of_a_person_of_school_b_is_404(registrar_a_client, people):
    url = reverse("admin:records_person_history", args=[people["李另一"].pk])
    assert registrar_a_client.get(url).status_code == 404


def test_a_past_version_of_a_record_of_school_b_is_404(registrar_a_client, b_enrollment):
    version = b_enrollment.history.first()
    url = reverse(
        "admin:records_enrollment_simple_history", args=[b_enrollment.pk, version.history_id]
    )
    assert registrar_a_client.get(url).status_code == 404


def test_the_registrar_sees_the_history_of_their_own_records(registrar_a_client, a_enrollment):
    url = reverse("admin:records_enrollment_history", args=[a_enrollment.pk])
    assert registrar_a_client.get(url).status_code == 200


def autocomplete(client, field: str, term: str, model: str = "enrollment") -> list[str]:
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "records", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_autocomplete_offers_no_person_of_school_b(registrar_a_client, people):
    assert autocomplete(registrar_a_client, "person", "李另一") == []


def test_autocomplete_offers_only_the_registrars_school(registrar_a_client, people):
    assert autocomplete(registrar_a_client, "school", "大学") == ["北京大学（10001）"]


def test_autocomplete_of_an_exam_target_school_offers_every_school(registrar_a_client, people):
    found = autocomplete(registrar_a_client, "target_school", "中山", model="examregistration")
    assert found == ["中山大学（10558）"]


def test_a_bulk_action_on_school_b_requests_does_nothing(registrar_a_client, student, b_enrollment):
    master = Enrollment.objects.get(student_number="2020558000051")
    correction = corrections.correction_submit(
        requester=student, record=master, field="major", proposed="劳动与社会保障", reason="x"
    )
    registrar_a_client.post(
        reverse("admin:records_correctionrequest_changelist"),
        {"action": "approve_selected", "_selected_action": [correction.pk], "confirm": "yes"},
    )
    correction.refresh_from_db()
    assert correction.status == "submitted"


def test_a_record_cannot_be_moved_to_school_b(registrar_a_client, a_enrollment, school_b):
    url = change_url("enrollment", a_enrollment.pk)
    data = admin_form_data(registrar_a_client.get(url))
    response = registrar_a_client.post(url, {**data, "school": school_b.pk})
    assert "school" in response.context["adminform"].form.errors
    a_enrollment.refresh_from_db()
    assert a_enrollment.school.code == "10001"


def test_a_record_cannot_be_attached_to_a_person_of_school_b(
    registrar_a_client, a_enrollment, people
):
    url = change_url("enrollment", a_enrollment.pk)
    data = admin_form_data(registrar_a_client.get(url))
    response = registrar_a_client.post(url, {**data, "person": people["李另一"].pk})
    assert "person" in response.context["adminform"].form.errors
    a_enrollment.refresh_from_db()
    assert a_enrollment.person.name == "张测试"


def test_a_person_cannot_be_moved_into_school_b_through_the_inline(
    registrar_a_client, people, school_b
):
    zhang = people["张测试"]
    url = change_url("person", zhang.pk)
    data = admin_form_data(registrar_a_client.get(url))
    response = registrar_a_client.post(url, {**data, "enrollments-0-school": school_b.pk})
    assert response.status_code == 200  # the form comes back with an error
    assert set(zhang.enrollments.values_list("school__code", flat=True)) == {"10001", "10558"}
    assert zhang.enrollments.filter(school__code="10558").count() == 1


def test_a_new_record_cannot_be_added_for_school_b(registrar_a_client, people, school_b):
    response = registrar_a_client.post(
        reverse("admin:records_enrollment_add"),
        {"person": people["张测试"].pk, "school": school_b.pk, "student_number": "X1"},
    )
    assert "school" in response.context["adminform"].form.errors
    assert not Enrollment.objects.filter(student_number="X1").exists()


def test_the_inline_hides_the_other_schools_record_of_a_shared_person(registrar_a_client, people):
    html = registrar_a_client.get(change_url("person", people["张测试"].pk)).content.decode()
    assert "2020558000051" not in html  # 张测试's 中山大学 student number


def test_the_national_administrator_sees_both_schools(admin_client_, people):
    response = admin_client_.get(reverse("admin:records_enrollment_changelist"))
    schools = {e.school.code for e in response.context["cl"].result_list}
    assert schools == {"10001", "10558"}


def test_support_staff_see_no_records(client_factory, people):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    agent = UserFactory(phone="13900000402", is_staff=True)
    agent.groups.add(Group.objects.get(name=roles.SUPPORT))
    browser = verified_login(client_factory(), agent)
    enrollment = Enrollment.objects.first()
    photo = reverse("records:enrollment-photo", args=[enrollment.public_id, "admission"])
    assert browser.get(photo).status_code == 404
    assert browser.get(reverse("admin:records_person_changelist")).status_code == 403


def test_support_staff_edit_help_content(people):
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name=roles.SUPPORT).permissions.values_list("codename", flat=True)
    )
    assert {"add_article", "change_article", "change_announcement"} <= codenames
    assert "change_user" not in codenames
    assert "change_group" not in codenames


def test_registrars_cannot_manage_accounts_or_roles(people):
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name=roles.SCHOOL_REGISTRAR).permissions.values_list(
            "codename", flat=True
        )
    )
    assert not codenames & {"add_user", "change_user", "add_group", "change_group"}
    assert not any(code.startswith("delete_") for code in codenames)
