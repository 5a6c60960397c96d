"""Two staff editing the same record cannot silently overwrite each other (optimistic locking)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from records import corrections
from records.models import Enrollment, Person
from records.versioning import StaleVersion, save_versioned
from tests.admin_forms import admin_form_data
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

CONFLICT = "保存未生效：在您编辑期间"


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


@pytest.fixture
def two_staff(client_factory, registrar_b, admin_user):
    """The school's registrar and a national administrator, each in their own browser."""
    return verified_login(client_factory(), registrar_b), verified_login(
        client_factory(), admin_user
    )


def url(enrollment: Enrollment) -> str:
    return reverse("admin:records_enrollment_change", args=[enrollment.pk])


def test_two_saves_from_the_same_version_one_wins_one_gets_the_conflict(two_staff, master):
    first, second = two_staff
    first_form = admin_form_data(first.get(url(master)))
    second_form = admin_form_data(second.get(url(master)))

    assert first.post(url(master), {**first_form, "major": "劳动与社会保障"}).status_code == 302
    response = second.post(url(master), {**second_form, "class_name": "二班"})

    assert CONFLICT in response.content.decode()
    master.refresh_from_db()
    assert (master.major, master.class_name, master.version) == ("劳动与社会保障", "", 2)


def test_the_conflict_message_says_who_and_what_changed(two_staff, master, registrar_b):
    first, second = two_staff
    first_form = admin_form_data(first.get(url(master)))
    second_form = admin_form_data(second.get(url(master)))
    first.post(url(master), {**first_form, "major": "劳动与社会保障"})
    html = second.post(url(master), {**second_form, "class_name": "二班"}).content.decode()
    assert registrar_b.real_name in html
    assert "社会保障 → 劳动与社会保障" in html


def conflict(two_staff, master, first_changes, second_changes):
    """Both load the page; the first saves; the second's save comes back as a conflict."""
    first, second = two_staff
    first_form = admin_form_data(first.get(url(master)))
    second_form = admin_form_data(second.get(url(master)))
    assert first.post(url(master), {**first_form, **first_changes}).status_code == 302
    response = second.post(url(master), {**second_form, **second_changes})
    assert CONFLICT in response.content.decode()
    return second, response


def test_the_second_save_after_a_conflict_keeps_the_other_editors_change(two_staff, master):
    second, response = conflict(
        two_staff, master, {"major": "劳动与社会保障"}, {"class_name": "二班"}
    )
    assert second.post(url(master), admin_form_data(response)).status_code == 302
    master.refresh_from_db()
    assert (master.major, master.class_name, master.version) == ("劳动与社会保障", "二班", 3)


def test_the_conflict_form_holds_the_saved_values_with_my_own_changes(two_staff, master):
    _second, response = conflict(
        two_staff, master, {"major": "劳动与社会保障"}, {"class_name": "二班"}
    )
    form = admin_form_data(response)
    assert (form["major"], form["class_name"], form["version"]) == ("劳动与社会保障", "二班", "2")


def test_a_field_both_changed_is_marked_with_both_values_and_keeps_theirs(two_staff, master):
    second, response = conflict(two_staff, master, {"major": "劳动与社会保障"}, {"major": "社会学"})
    form = response.context["adminform"].form
    assert "对方已改为“劳动与社会保障”，您填写的是“社会学”" in " ".join(form.errors["major"])
    assert 'name="major-keep-mine" value="社会学"' in response.content.decode()
    second.post(url(master), admin_form_data(response))
    master.refresh_from_db()
    assert master.major == "劳动与社会保障"


def test_ticking_keep_mine_overwrites_only_the_field_chosen(two_staff, master):
    second, response = conflict(
        two_staff,
        master,
        {"major": "劳动与社会保障", "department": "保障系"},
        {"major": "社会学", "class_name": "二班"},
    )
    retry = {**admin_form_data(response), "major-keep-mine": "社会学"}
    assert second.post(url(master), retry).status_code == 302
    master.refresh_from_db()
    assert (master.major, master.department, master.class_name) == ("社会学", "保障系", "二班")


def test_without_a_history_entry_every_difference_is_a_clash(two_staff, master):
    master.history.all().delete()
    _second, response = conflict(
        two_staff, master, {"major": "劳动与社会保障"}, {"class_name": "二班"}
    )
    form = admin_form_data(response)
    assert form["major"] == "劳动与社会保障"
    assert form["class_name"] == ""  # not re-applied: nothing says who changed what
    assert "class_name" in response.context["adminform"].form.errors


def test_a_person_edited_in_two_browsers_is_protected_too(two_staff, people):
    li = people["李另一"]  # only at 中山大学 and bound to no account: its registrar may edit
    person_url = reverse("admin:records_person_change", args=[li.pk])
    first, second = two_staff
    first_form = admin_form_data(first.get(person_url))
    second_form = admin_form_data(second.get(person_url))
    assert first.post(person_url, {**first_form, "ethnicity": "01"}).status_code == 302
    response = second.post(person_url, {**second_form, "name": "李另二"})
    assert CONFLICT in response.content.decode()
    assert Person.objects.get(pk=li.pk).name == "李另一"


def test_an_applied_correction_makes_an_open_form_stale(two_staff, master, student, registrar_b):
    first, _second = two_staff
    form = admin_form_data(first.get(url(master)))
    correction = corrections.correction_submit(
        requester=student, record=master, field="major", proposed="劳动与社会保障", reason="x"
    )
    corrections.correction_approve(correction=correction, reviewer=registrar_b)
    response = first.post(url(master), {**form, "class_name": "二班"})
    assert CONFLICT in response.content.decode()
    master.refresh_from_db()
    assert master.major == "劳动与社会保障"


def test_save_versioned_refuses_a_stale_version(master):
    master.major = "x学"
    with pytest.raises(StaleVersion):
        save_versioned(master, expected_version=master.version + 5)
    master.refresh_from_db()
    assert master.major == "社会保障"


def test_each_save_moves_the_version_on_and_keeps_history(two_staff, master):
    first, _second = two_staff
    first.post(url(master), {**admin_form_data(first.get(url(master))), "major": "社会工作"})
    master.refresh_from_db()
    assert master.version == 2
    assert master.history.latest().version == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_one_wins(people) -> None:
    import threading

    from django.db import connection

    pk = Enrollment.objects.get(student_number="2020558000051").pk
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def save(major: str) -> None:
        enrollment = Enrollment.objects.get(pk=pk)
        enrollment.major = major
        barrier.wait()
        try:
            save_versioned(enrollment, expected_version=1)
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(m,)) for m in ("甲专业", "乙专业")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Enrollment.objects.get(pk=pk).version == 2
