"""申请更正: the model rules on the proposal, a readable timeline, atomic and one-time approval."""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from records import corrections
from records.models import CorrectionEvent, CorrectionRequest, Enrollment, Person
from tests.twofactor import verified_login
from xuexin.refused import Refused

pytestmark = pytest.mark.django_db

NEW_URL = "/archive/corrections/new/"


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


def token(enrollment: Enrollment) -> str:
    return f"enrollment:{enrollment.public_id}"


def file_request(client, enrollment, field: str, value: str, **extra):
    data = {"record": token(enrollment), "field": field, "proposed_value": value,
            "reason": "录取通知书上的专业名称不同", **extra}  # fmt: skip
    return client.post(NEW_URL, data)


def test_the_form_shows_the_current_values(student_client, master):
    html = student_client.get(NEW_URL, {"record": token(master)}).content.decode()
    assert "社会保障" in html
    assert "专业" in html


def test_a_request_is_filed_with_the_current_value_and_a_first_step(student_client, master):
    response = file_request(student_client, master, "major", "劳动与社会保障")
    correction = CorrectionRequest.objects.get()
    assert response["Location"] == reverse("records:correction-detail", args=[correction.public_id])
    assert (correction.current_value, correction.proposed_value) == ("社会保障", "劳动与社会保障")
    assert list(correction.events.values_list("status", flat=True)) == ["submitted"]


def test_the_student_never_changes_the_record_directly(student_client, master):
    file_request(student_client, master, "major", "劳动与社会保障")
    master.refresh_from_db()
    assert master.major == "社会保障"


def test_a_proposal_breaking_a_model_rule_is_refused(student_client, master):
    response = file_request(student_client, master, "person.gender", "女")
    assert "性别与证件号码不一致" in str(response.context["form"].errors["proposed_value"])
    assert not CorrectionRequest.objects.exists()


def test_a_date_in_the_wrong_order_is_refused(student_client, master):
    response = file_request(student_client, master, "expected_graduation_date", "2019年07月01日")
    assert response.context["form"].errors["proposed_value"]


def test_a_choice_is_given_by_its_label(student_client, master):
    file_request(student_client, master, "study_mode", "非全日制")
    assert CorrectionRequest.objects.get().proposed_value == "非全日制"


def test_an_unknown_choice_is_refused(student_client, master):
    response = file_request(student_client, master, "level", "大专")
    assert response.context["form"].errors["proposed_value"]


def test_the_same_value_is_refused(student_client, master):
    response = file_request(student_client, master, "major", "社会保障")
    assert str(corrections.ERR_SAME_VALUE) in str(response.context["form"].errors)


def test_a_second_open_request_for_the_same_field_is_refused(student_client, master):
    file_request(student_client, master, "major", "劳动与社会保障")
    response = file_request(student_client, master, "major", "社会工作")
    assert str(corrections.ERR_ALREADY_OPEN) in response.content.decode()
    assert CorrectionRequest.objects.count() == 1


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (200, 150), "white").save(out, "JPEG")
    return SimpleUploadedFile("proof.jpg", out.getvalue(), content_type="image/jpeg")


def test_evidence_is_stored_privately_and_served_to_the_owner(student_client, master):
    file_request(student_client, master, "major", "劳动与社会保障", evidence=jpeg())
    correction = CorrectionRequest.objects.get()
    url = reverse("records:correction-evidence", args=[correction.public_id])
    assert correction.evidence.name.startswith("evidence/")
    assert student_client.get(url).status_code == 200


# --- someone else's anything is a 404 --------------------------------------------------------


def test_another_students_record_cannot_be_the_target(other_student_client, master):
    assert file_request(other_student_client, master, "major", "x学").status_code == 404
    assert other_student_client.get(NEW_URL, {"record": token(master)}).status_code == 404


def test_another_students_request_and_evidence_are_404(
    student_client, master, client_factory, other_student
):
    file_request(student_client, master, "major", "劳动与社会保障", evidence=jpeg())
    correction = CorrectionRequest.objects.get()
    other = client_factory()
    other.force_login(other_student)
    assert (
        other.get(reverse("records:correction-detail", args=[correction.public_id])).status_code
        == 404
    )
    assert (
        other.get(reverse("records:correction-evidence", args=[correction.public_id])).status_code
        == 404
    )


def test_a_malformed_record_token_is_404(student_client):
    assert student_client.get(NEW_URL, {"record": "person:not-a-uuid"}).status_code == 404


# --- the school's decision ---------------------------------------------------------------------


@pytest.fixture
def filed(student_client, master) -> CorrectionRequest:
    file_request(student_client, master, "major", "劳动与社会保障")
    return CorrectionRequest.objects.get()


def test_approval_applies_the_change_with_history(filed, master, registrar_b):
    corrections.correction_approve(correction=filed, reviewer=registrar_b, note="已核实")
    master.refresh_from_db()
    latest = master.history.latest()
    assert master.major == "劳动与社会保障"
    assert (latest.history_user, latest.history_change_reason[:4]) == (registrar_b, "更正申请")


def test_approval_of_a_person_field_changes_the_person(student_client, master, admin_user):
    """An identity field of a bound person: a national administrator's approval applies it."""
    file_request(student_client, master, "person.ethnicity", "壮族")
    corrections.correction_approve(correction=CorrectionRequest.objects.get(), reviewer=admin_user)
    assert Person.objects.get(pk=master.person_id).ethnicity == "08"


def test_a_schools_approval_of_a_person_field_goes_to_a_national_administrator(
    student_client, master, registrar_b
):
    file_request(student_client, master, "person.ethnicity", "壮族")
    correction = CorrectionRequest.objects.get()
    outcome = corrections.correction_approve(correction=correction, reviewer=registrar_b)
    correction.refresh_from_db()
    assert (outcome, correction.status) == (corrections.ESCALATED, "reviewing")
    assert correction.identity_change.status == "pending"
    assert Person.objects.get(pk=master.person_id).ethnicity == "01"


def test_the_student_reads_the_timeline_and_the_new_value(filed, student_client, registrar_b):
    corrections.correction_start_review(correction=filed, reviewer=registrar_b)
    corrections.correction_approve(correction=filed, reviewer=registrar_b, note="已核实")
    html = student_client.get(
        reverse("records:correction-detail", args=[filed.public_id])
    ).content.decode()
    timeline = html[html.index('class="timeline"') :]
    assert timeline.index("已提交") < timeline.index("学校审核中") < timeline.index("已更正")
    assert "已核实" in html
    assert "劳动与社会保障" in student_client.get("/archive/xueji/").content.decode()


def test_approval_is_applied_once(filed, master, registrar_b):
    corrections.correction_approve(correction=filed, reviewer=registrar_b)
    with pytest.raises(corrections.CorrectionAlreadyDecided):
        corrections.correction_approve(correction=filed, reviewer=registrar_b)
    assert master.history.filter(major="劳动与社会保障").count() == 1


def test_an_error_midway_leaves_nothing_changed(filed, master, registrar_b, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(CorrectionEvent.objects, "create", broken)
    with pytest.raises(RuntimeError):
        corrections.correction_approve(correction=filed, reviewer=registrar_b)
    master.refresh_from_db()
    filed.refresh_from_db()
    assert (master.major, filed.status) == ("社会保障", "submitted")


def test_a_proposal_made_invalid_since_filing_is_not_applied(filed, master, registrar_b):
    Enrollment.objects.filter(pk=master.pk).update(major="社会保障")
    filed.proposed_value = ""
    filed.save()
    with pytest.raises(Exception):  # noqa: B017 - any validation error will do
        corrections.correction_approve(correction=filed, reviewer=registrar_b)
    master.refresh_from_db()
    assert master.major == "社会保障"


def test_rejection_needs_a_note(filed, registrar_b):
    with pytest.raises(Refused):
        corrections.correction_reject(correction=filed, reviewer=registrar_b, note=" ")
    corrections.correction_reject(correction=filed, reviewer=registrar_b, note="材料不足")
    filed.refresh_from_db()
    assert filed.status == "rejected"


def decide(browser, correction, decision: str, note: str = ""):
    url = reverse("admin:records_correctionrequest_change", args=[correction.pk])
    return browser.post(url, {"decision": decision, "note": note, **empty_events()})


def empty_events() -> dict[str, str]:
    return {"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0", "events-MAX_NUM_FORMS": "1000"}  # fmt: skip


def test_the_schools_registrar_approves_in_the_admin(filed, master, registrar_b, client_factory):
    staff = client_factory()
    verified_login(staff, registrar_b)
    assert decide(staff, filed, "approve", "已核实").status_code == 302
    master.refresh_from_db()
    assert master.major == "劳动与社会保障"


def test_another_schools_registrar_cannot_reach_the_request(filed, registrar_a, client_factory):
    staff = client_factory()
    verified_login(staff, registrar_a)
    url = reverse("admin:records_correctionrequest_change", args=[filed.pk])
    assert staff.get(url).status_code == 302  # the admin's answer for a missing object
    decide(staff, filed, "approve")
    filed.refresh_from_db()
    assert filed.status == "submitted"


def test_a_get_on_the_review_page_changes_nothing(filed, registrar_b, client_factory):
    staff = client_factory()
    verified_login(staff, registrar_b)
    staff.get(reverse("admin:records_correctionrequest_change", args=[filed.pk]))
    filed.refresh_from_db()
    assert filed.status == "submitted"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_the_same_moment_change_the_record_once(
    student, people, registrar_b
) -> None:
    master = Enrollment.objects.get(student_number="2020558000051")
    correction = corrections.correction_submit(
        requester=student, record=master, field="major", proposed="劳动与社会保障", reason="x"
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def approve() -> None:
        barrier.wait()
        try:
            corrections.correction_approve(correction=correction, reviewer=registrar_b)
            outcomes.append("applied")
        except corrections.CorrectionAlreadyDecided:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied", "refused"]
    assert master.history.filter(major="劳动与社会保障").count() == 1
