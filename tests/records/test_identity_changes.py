"""Identity of shared and bound people: only a national administrator changes it, and the
account binding moves with it in the same transaction; the student is told."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts import sms
from accounts.models import User
from records import corrections, identity_changes
from records.models import (
    CorrectionRequest,
    Enrollment,
    IdentityChange,
    Person,
)
from records.synthetic import resident_id
from tests.admin_forms import admin_form_data
from xuexin.admin_decisions import ALREADY_DECIDED
from xuexin.refused import Refused

pytestmark = pytest.mark.django_db

ZHANG_NEW_ID = resident_id("110105", datetime.date(1998, 3, 7), 53)  # same birth date, a man


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def person_url(person: Person) -> str:
    return reverse("admin:records_person_change", args=[person.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def shown(response) -> list[str]:
    """The messages the page a redirect led to displays."""
    return [str(m) for m in response.context["messages"]]


# --- who may change what -----------------------------------------------------------------------


def test_a_registrar_sees_a_shared_persons_identity_read_only_and_why(registrar_b_client, people):
    response = registrar_b_client.get(person_url(people["张测试"]))  # 北京大学 and 中山大学
    form = response.context["adminform"].form
    assert not set(identity_changes.IDENTITY_FIELDS) & set(form.fields)
    html = response.content.decode()
    assert str(identity_changes.LOCK_SHARED) in html
    assert reverse("admin:records_identitychange_add") in html


def test_a_bound_account_locks_the_identity_too(registrar_b_client, other_student, people):
    response = registrar_b_client.get(person_url(people["李另一"]))
    assert "name" not in response.context["adminform"].form.fields
    assert str(identity_changes.LOCK_BOUND) in response.content.decode()


def test_a_person_only_at_the_school_and_unbound_is_the_schools_to_edit(registrar_b_client, people):
    response = registrar_b_client.get(person_url(people["李另一"]))
    assert {"name", "id_number", "ethnicity"} <= set(response.context["adminform"].form.fields)


def test_a_crafted_post_cannot_change_a_locked_identity(registrar_b_client, people):
    zhang = people["张测试"]
    data = admin_form_data(registrar_b_client.get(person_url(zhang)))
    registrar_b_client.post(person_url(zhang), {**data, "name": "张改名", "ethnicity": "08"})
    zhang.refresh_from_db()
    assert (zhang.name, zhang.ethnicity) == ("张测试", "01")


def test_the_service_refuses_a_registrar_even_when_called_directly(registrar_b, people):
    with pytest.raises(Refused):
        identity_changes.person_identity_update(
            person=people["张测试"], values={"name": "张改名"}, actor=registrar_b, reason="x"
        )


# --- a national administrator's edit -------------------------------------------------------------


def test_a_national_administrators_edit_moves_the_account_binding_and_tells_the_student(
    admin_client_, student, people, sms_outbox, django_capture_on_commit_callbacks
):
    zhang = people["张测试"]
    data = admin_form_data(admin_client_.get(person_url(zhang)))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            person_url(zhang), {**data, "name": "张新名", "id_number": ZHANG_NEW_ID}
        )
    assert response.status_code == 302
    zhang.refresh_from_db()
    student.refresh_from_db()
    assert (zhang.name, zhang.id_number) == ("张新名", ZHANG_NEW_ID)
    assert (student.real_name, student.id_number, student.person_id) == (
        "张新名",
        ZHANG_NEW_ID,
        zhang.pk,
    )
    assert sms_outbox[-1].phone == student.phone
    assert "姓名、证件号码" in sms_outbox[-1].text


def test_the_person_and_the_account_change_together_or_not_at_all(
    admin_user, student, people, monkeypatch
):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(User, "save", broken_save)
    with pytest.raises(RuntimeError):
        identity_changes.person_identity_update(
            person=people["张测试"], values={"name": "张新名"}, actor=admin_user, reason="x"
        )
    assert Person.objects.get(pk=people["张测试"].pk).name == "张测试"


def test_a_new_id_of_another_person_is_refused_never_merged(admin_client_, people):
    zhang, li = people["张测试"], people["李另一"]
    data = admin_form_data(admin_client_.get(person_url(zhang)))
    response = admin_client_.post(
        person_url(zhang),
        {**data, "id_number": li.id_number, "gender": "2", "birth_date": "2000-11-23"},  # fmt: skip
    )
    assert response.status_code == 200
    assert "id_number" in response.context["adminform"].form.errors
    assert Person.objects.get(pk=zhang.pk).id_number == people["张测试"].id_number


def test_a_new_id_held_by_another_account_is_refused(admin_client_, student, people):
    from tests.factories import UserFactory

    UserFactory(
        phone="13900000777", real_name="某人", id_type="resident_id", id_number=ZHANG_NEW_ID
    )
    data = admin_form_data(admin_client_.get(person_url(people["张测试"])))
    response = admin_client_.post(person_url(people["张测试"]), {**data, "id_number": ZHANG_NEW_ID})
    errors = response.context["adminform"].form.errors["id_number"]
    assert str(identity_changes.ERR_ID_OF_ANOTHER_ACCOUNT) in errors


# --- requests ----------------------------------------------------------------------------------


def file_change(client, person: Person, **changes: str):
    add = reverse("admin:records_identitychange_add")
    data = admin_form_data(client.get(add, {"person": person.pk}))
    return client.post(add, {**data, **changes})


def test_a_registrar_files_a_request_that_starts_from_the_current_values(
    registrar_b_client, registrar_b, people
):
    zhang = people["张测试"]
    add = reverse("admin:records_identitychange_add")
    form = registrar_b_client.get(add, {"person": zhang.pk}).context["adminform"].form
    assert (form.initial["name"], form.initial["id_number"]) == ("张测试", zhang.id_number)
    response = file_change(registrar_b_client, zhang, name="张新名", reason="户籍姓名已变更")
    assert response.status_code == 302
    change = IdentityChange.objects.get()
    assert (change.status, change.school, change.requested_by) == (
        "pending",
        registrar_b.school,
        registrar_b,
    )
    assert change.previous["name"] == "张测试"
    assert Person.objects.get(pk=zhang.pk).name == "张测试"


def test_a_registrar_cannot_decide_a_request(registrar_b_client, registrar_b, people):
    file_change(registrar_b_client, people["张测试"], name="张新名", reason="户籍姓名已变更")
    change = IdentityChange.objects.get()
    url = reverse("admin:records_identitychange_change", args=[change.pk])
    registrar_b_client.post(url, {"decision": "approve"})
    with pytest.raises(Refused):
        identity_changes.identity_change_approve(change=change, reviewer=registrar_b)
    change.refresh_from_db()
    assert change.status == "pending"
    assert Person.objects.get(name="张测试")


def test_a_request_for_another_persons_id_is_refused_when_filed(registrar_b_client, people):
    li = people["李另一"]
    response = file_change(
        registrar_b_client, people["张测试"], id_number=li.id_number, gender="2",
        birth_date="2000-11-23", reason="x",
    )  # fmt: skip
    assert str(identity_changes.ERR_WOULD_MERGE) in response.content.decode()
    assert not IdentityChange.objects.exists()


def test_the_national_administrator_approves_and_the_account_follows(
    registrar_b_client, admin_client_, student, people, sms_outbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    file_change(registrar_b_client, people["张测试"], name="张新名", reason="户籍姓名已变更")
    change = IdentityChange.objects.get()
    url = reverse("admin:records_identitychange_change", args=[change.pk])
    assert "张新名" in admin_client_.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(url, {"decision": "approve", "note": "材料齐全"})
    change.refresh_from_db()
    student.refresh_from_db()
    assert change.status == "approved"
    assert student.real_name == "张新名"
    assert Person.objects.get(pk=people["张测试"].pk).name == "张新名"
    assert sms_outbox[-1].phone == student.phone
    assert messages_of(response) == ["已通过：学生信息和绑定的账号已更新，并已通知学生。"]


def test_rejecting_needs_a_reason_and_changes_nothing(registrar_b_client, admin_client_, people):
    file_change(registrar_b_client, people["张测试"], name="张新名", reason="户籍姓名已变更")
    change = IdentityChange.objects.get()
    url = reverse("admin:records_identitychange_change", args=[change.pk])
    response = admin_client_.post(url, {"decision": "reject"})
    assert response.status_code == 200  # the form asks for the reason
    admin_client_.post(url, {"decision": "reject", "note": "证明材料不足"})
    change.refresh_from_db()
    assert change.status == "rejected"
    assert Person.objects.get(pk=people["张测试"].pk).name == "张测试"


# --- students' corrections of identity fields ------------------------------------------------


@pytest.fixture
def ethnicity_correction(student, people) -> CorrectionRequest:
    master = Enrollment.objects.get(student_number="2020558000051")
    return corrections.correction_submit(
        requester=student, record=master, field="person.ethnicity", proposed="壮族", reason="x"
    )


def test_a_confirmed_correction_is_decided_by_the_national_administrator(
    ethnicity_correction, registrar_b, admin_user, student, sms_outbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    corrections.correction_approve(correction=ethnicity_correction, reviewer=registrar_b)
    change = IdentityChange.objects.get(correction=ethnicity_correction)
    with django_capture_on_commit_callbacks(execute=True):
        identity_changes.identity_change_approve(change=change, reviewer=admin_user)
    ethnicity_correction.refresh_from_db()
    assert ethnicity_correction.status == "corrected"
    assert Person.objects.get(pk=student.person_id).ethnicity == "08"
    assert [m.phone for m in sms_outbox] == [student.phone]  # one message, the correction's
    assert "已更正" in sms_outbox[0].text


def test_after_escalation_the_school_no_longer_decides(ethnicity_correction, registrar_b):
    corrections.correction_approve(correction=ethnicity_correction, reviewer=registrar_b)
    with pytest.raises(corrections.CorrectionEscalated):
        corrections.correction_reject(
            correction=ethnicity_correction, reviewer=registrar_b, note="x"
        )


def test_a_national_administrators_rejection_answers_the_student(
    ethnicity_correction, registrar_b, admin_user
):
    corrections.correction_approve(correction=ethnicity_correction, reviewer=registrar_b)
    corrections.correction_reject(
        correction=ethnicity_correction, reviewer=admin_user, note="与户籍信息不符"
    )
    ethnicity_correction.refresh_from_db()
    assert ethnicity_correction.status == "rejected"
    assert ethnicity_correction.identity_change.status == "rejected"


def test_a_name_correction_moves_the_account_name(student, people, admin_user):
    master = Enrollment.objects.get(student_number="2020558000051")
    correction = corrections.correction_submit(
        requester=student, record=master, field="person.name", proposed="张测验", reason="x"
    )
    corrections.correction_approve(correction=correction, reviewer=admin_user)
    student.refresh_from_db()
    assert student.real_name == "张测验"


# --- one clear message for a second decision ---------------------------------------------------


def test_a_second_decision_gets_one_clear_message(registrar_b_client, student, people):
    master = Enrollment.objects.get(student_number="2020558000051")
    correction = corrections.correction_submit(
        requester=student, record=master, field="major", proposed="劳动与社会保障", reason="x"
    )
    url = reverse("admin:records_correctionrequest_change", args=[correction.pk])
    first = registrar_b_client.post(url, {"decision": "approve", "note": ""}, follow=True)
    assert shown(first) == ["已通过并更正：张测试 的专业更正申请，已通知学生。"]
    second = registrar_b_client.post(url, {"decision": "approve", "note": ""}, follow=True)
    assert shown(second) == [str(ALREADY_DECIDED % {"status": "已更正"})]
