"""Staff reads of every admin page that shows personal data leave an access-log row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import IdentityClaim
from audit.models import AccessLog
from records.models import CorrectionRequest, Enrollment, Qualification

pytestmark = pytest.mark.django_db


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


def rows(action: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(action=action))


def test_an_enrolment_change_page_is_logged(registrar_b_client, registrar_b, master):
    url = reverse("admin:records_enrollment_change", args=[master.pk])
    assert registrar_b_client.get(url).status_code == 200
    [row] = rows("view_record")
    assert row.actor == registrar_b
    assert row.path == url
    assert master.person.id_number not in row.target


def test_a_diploma_change_page_is_logged(admin_client_, people):
    diploma = Qualification.objects.first()
    admin_client_.get(reverse("admin:records_qualification_change", args=[diploma.pk]))
    assert len(rows("view_record")) == 1


def test_a_correction_change_page_is_logged(registrar_b_client, student, master):
    correction = CorrectionRequest.objects.create(
        requester=student, person=master.person, school=master.school, enrollment=master,
        field="major", current_value="社会保障",
        proposed_value="社会工作", reason="录入有误",
    )  # fmt: skip
    url = reverse("admin:records_correctionrequest_change", args=[correction.pk])
    assert registrar_b_client.get(url).status_code == 200
    assert len(rows("view_request")) == 1


def test_a_user_change_page_is_logged(admin_client_, other_student):
    admin_client_.get(reverse("admin:accounts_user_change", args=[other_student.pk]))
    [row] = rows("view_account")
    assert other_student.masked_phone in row.target
    assert other_student.phone not in row.target


def test_a_claim_change_page_is_logged(admin_client_, other_student):
    claim = IdentityClaim.objects.create(
        claimant=other_student, kind="identity_check", method="id_photos",
        id_type=other_student.id_type, id_number=other_student.id_number,
    )  # fmt: skip
    admin_client_.get(reverse("admin:accounts_identityclaim_change", args=[claim.pk]))
    assert len(rows("view_claim")) == 1


def test_a_list_search_is_logged_with_the_id_number_masked(admin_client_, student):
    number = student.id_number
    admin_client_.get(reverse("admin:records_person_changelist"), {"q": number})
    [row] = rows("view_list")
    assert number not in row.target
    assert number not in row.path
    assert number[-4:] in row.target


def test_a_refused_page_logs_no_read(registrar_a_client, people):
    other_school = Enrollment.objects.get(student_number="1955800062")
    url = reverse("admin:records_enrollment_change", args=[other_school.pk])
    assert registrar_a_client.get(url).status_code in (302, 404)
    assert not rows("view_record")
