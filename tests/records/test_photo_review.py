"""图像校对: 正确 / 有误 per photo, visible to that school's registrar as a queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from records.models import Enrollment, PhotoReview
from tests.twofactor import verified_login

pytestmark = pytest.mark.django_db

URL = "/archive/photo-review/"


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


def review(client, enrollment, verdict: str, comment: str = "", kind: str = "admission"):
    return client.post(URL, {
        "enrollment": str(enrollment.public_id), "kind": kind, "verdict": verdict,
        "comment": comment,
    })  # fmt: skip


def test_a_photo_can_be_marked_wrong_with_a_comment(student_client, master):
    review(student_client, master, "wrong", "不是本人照片")
    saved = PhotoReview.objects.get()
    assert (saved.verdict, saved.comment, saved.state) == ("wrong", "不是本人照片", "submitted")


def test_wrong_without_a_comment_is_refused(student_client, master):
    review(student_client, master, "wrong")
    assert not PhotoReview.objects.exists()


def test_a_second_verdict_replaces_the_first(student_client, master):
    review(student_client, master, "wrong", "模糊")
    review(student_client, master, "correct")
    assert PhotoReview.objects.get().verdict == "correct"


def test_another_students_enrollment_is_404_by_crafted_post(other_student_client, master):
    assert review(other_student_client, master, "wrong", "x").status_code == 404
    assert not PhotoReview.objects.exists()


def test_the_student_sees_the_state(student_client, master):
    review(student_client, master, "wrong", "不是本人照片")
    PhotoReview.objects.update(state="handled", handled_note="已重新上传照片")
    assert "已重新上传照片" in student_client.get(URL).content.decode()


def test_the_registrar_of_that_school_sees_the_wrong_photo_in_the_queue(
    student_client, master, registrar_b, client_factory
):
    review(student_client, master, "wrong", "不是本人照片")
    staff = client_factory()
    verified_login(staff, registrar_b)
    html = staff.get(reverse("admin:records_photoreview_changelist")).content.decode()
    assert "不是本人照片" in html


def test_another_schools_registrar_does_not_see_it(
    student_client, master, registrar_a, client_factory
):
    review(student_client, master, "wrong", "不是本人照片")
    staff = client_factory()
    verified_login(staff, registrar_a)
    html = staff.get(reverse("admin:records_photoreview_changelist")).content.decode()
    assert "不是本人照片" not in html


def test_the_registrar_marks_it_handled(student_client, master, registrar_b, client_factory):
    review(student_client, master, "wrong", "不是本人照片")
    staff = client_factory()
    verified_login(staff, registrar_b)
    pk = PhotoReview.objects.get().pk
    staff.post(
        reverse("admin:records_photoreview_change", args=[pk]),
        {"decision": "handle", "note": "已更换照片"},
    )
    saved = PhotoReview.objects.get()
    assert (saved.state, saved.handled_by, saved.handled_note) == (
        "handled", registrar_b, "已更换照片"
    )  # fmt: skip
