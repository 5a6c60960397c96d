"""Two submissions at the same moment (two tabs, two devices) store one set of answers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from surveys import services
from surveys.models import Answer, SurveyResponse
from tests.surveys.conftest import make_survey


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_once_store_one(student, people) -> None:
    survey = make_survey()
    enrollment = student.person.enrollments.get(level="本科")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def submit(destination: str) -> None:
        barrier.wait()
        try:
            services.response_submit(
                survey=survey, person=student.person, account=student,
                enrollment_id=enrollment.pk, answers={"destination": destination},
            )  # fmt: skip
            outcomes.append("stored")
        except services.AlreadySubmitted:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in ("employed", "study")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "stored"]
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_draft_and_a_submission_at_once_leave_the_submission(student, people):
    survey = make_survey()
    enrollment = student.person.enrollments.get(level="本科")
    barrier = threading.Barrier(2)
    common = {"survey": survey, "person": student.person, "account": student,
              "enrollment_id": enrollment.pk}  # fmt: skip

    def run(save, answers) -> None:
        barrier.wait()
        try:
            save(**common, answers=answers)
        except services.AlreadySubmitted:
            pass
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(services.response_submit, {"destination": "study"})),
        threading.Thread(target=run, args=(services.response_save_draft, {"destination": "x"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    response = SurveyResponse.objects.get()
    assert response.status == "submitted"
    assert response.draft == {}
    assert list(Answer.objects.values_list("value", flat=True)) == ["study"]
