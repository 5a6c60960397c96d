"""Review queues: bulk approve / reject with a note, decisions tell the student, query budgets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts import sms
from records import corrections
from records.models import CorrectionRequest, Enrollment, PhotoReview
from xuexin.admin_decisions import ERR_NOTE_REQUIRED

pytestmark = pytest.mark.django_db

QUEUE = "/admin/records/correctionrequest/"
PHOTO_QUEUE = "/admin/records/photoreview/"


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def two_requests(student, other_student, people) -> list[CorrectionRequest]:
    """Two open requests at 中山大学: 张测试's 硕士 and 李另一's 本科."""
    master = Enrollment.objects.get(student_number="2020558000051")
    li = Enrollment.objects.get(person__name="李另一")
    return [
        corrections.correction_submit(
            requester=student, record=master, field="major", proposed="劳动与社会保障", reason="a"
        ),
        corrections.correction_submit(
            requester=other_student, record=li, field="class_name", proposed="三班", reason="b"
        ),
    ]


def bulk(client, url: str, action: str, objects, **extra):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    )


def test_bulk_approve_asks_for_confirmation_first(registrar_b_client, two_requests):
    response = bulk(registrar_b_client, QUEUE, "approve_selected", two_requests)
    assert response.status_code == 200
    assert 'name="note"' in response.content.decode()
    assert set(CorrectionRequest.objects.values_list("status", flat=True)) == {"submitted"}


def test_bulk_approve_applies_each_and_reports_counts(
    registrar_b_client, two_requests, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(
            registrar_b_client, QUEUE, "approve_selected", two_requests,
            confirm="yes", note="已核实",
        )  # fmt: skip
    assert set(CorrectionRequest.objects.values_list("status", flat=True)) == {"corrected"}
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("已处理 2 条" in m for m in messages)


def test_bulk_reject_needs_a_note(registrar_b_client, two_requests):
    response = bulk(registrar_b_client, QUEUE, "reject_selected", two_requests, confirm="yes")
    assert response.status_code == 200
    assert set(CorrectionRequest.objects.values_list("status", flat=True)) == {"submitted"}


def test_bulk_reject_skips_what_was_already_decided(registrar_b_client, registrar_b, two_requests):
    corrections.correction_approve(correction=two_requests[0], reviewer=registrar_b)
    response = bulk(
        registrar_b_client, QUEUE, "reject_selected", two_requests, confirm="yes", note="材料不足"
    )
    statuses = dict(CorrectionRequest.objects.values_list("pk", "status"))
    assert (statuses[two_requests[0].pk], statuses[two_requests[1].pk]) == ("corrected", "rejected")
    assert any("跳过 1 条" in str(m) for m in response.wsgi_request._messages)


def test_a_decision_tells_the_student_by_sms(
    registrar_b, two_requests, student, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        corrections.correction_reject(
            correction=two_requests[0], reviewer=registrar_b, note="材料不足"
        )
    assert sms_outbox[-1].phone == student.phone
    assert "已驳回" in sms_outbox[-1].text
    assert "材料不足" in sms_outbox[-1].text


@pytest.fixture
def wrong_photo(student, people) -> PhotoReview:
    master = Enrollment.objects.get(student_number="2020558000051")
    return PhotoReview.objects.create(
        enrollment=master, kind="admission", verdict="wrong", comment="不是本人照片"
    )


def test_the_photo_queue_shows_the_photo_inline(registrar_b_client, wrong_photo):
    url = reverse("admin:records_photoreview_change", args=[wrong_photo.pk])
    html = registrar_b_client.get(url).content.decode()
    photo = reverse(
        "records:enrollment-photo", args=[wrong_photo.enrollment.public_id, "admission"]
    )
    assert photo in html


def test_bulk_dismiss_of_photos_needs_a_note_then_tells_the_student(
    registrar_b_client, wrong_photo, student, sms_outbox, django_capture_on_commit_callbacks
):
    response = bulk(
        registrar_b_client, PHOTO_QUEUE, "dismiss_selected", [wrong_photo], confirm="yes"
    )
    assert str(ERR_NOTE_REQUIRED) in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        bulk(
            registrar_b_client, PHOTO_QUEUE, "dismiss_selected", [wrong_photo],
            confirm="yes", note="照片与档案一致",
        )  # fmt: skip
    wrong_photo.refresh_from_db()
    assert (wrong_photo.state, wrong_photo.handled_note) == ("dismissed", "照片与档案一致")
    assert sms_outbox[-1].phone == student.phone


def test_the_photo_decision_is_shown_to_the_student(registrar_b, wrong_photo, student_client):
    from records import reviews

    reviews.photo_review_handle(review=wrong_photo, reviewer=registrar_b, note="已重新采集照片")
    html = student_client.get("/archive/photo-review/").content.decode()
    assert "已重新采集照片" in html


def test_the_identity_claim_queue_has_bulk_decisions(admin_client_, people):
    response = admin_client_.get(reverse("admin:accounts_identityclaim_changelist"))
    choices = {name for name, _label in response.context["action_form"].fields["action"].choices}
    assert {"approve_selected", "reject_selected"} <= choices


def test_the_person_list_stays_within_its_query_budget(
    admin_client_, people, django_assert_max_num_queries
):
    from tests.factories import EnrollmentFactory

    EnrollmentFactory.create_batch(20)
    # session, user, OTP device, two counts, the page of people, filter choices (schools,
    # levels, statuses): a fixed number, however many people are listed.
    with django_assert_max_num_queries(14):
        admin_client_.get("/admin/records/person/")


def test_the_correction_queue_stays_within_its_query_budget(
    admin_client_, two_requests, django_assert_max_num_queries, student
):
    master = Enrollment.objects.get(student_number="2020558000051")
    for field, value in [
        ("branch", "社会学院"),
        ("department", "劳动关系系"),
        ("class_name", "七班"),
    ]:
        corrections.correction_submit(
            requester=student, record=master, field=field, proposed=value, reason="x"
        )
    # session, user, OTP device, counts, one joined page query, school filter choices.
    with django_assert_max_num_queries(12):
        admin_client_.get(QUEUE)
