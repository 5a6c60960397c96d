"""manage.py send_survey_reminders: one reminder per person and survey, to those who have not
answered, through the SMS/email backends."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import OutboxMessage
from surveys import services
from surveys.models import SurveyReminder, SurveyStatus
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the command; messages go out once the reminder rows have committed."""

    def run(*args: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_survey_reminders", *args, stdout=out)
        return out.getvalue()

    return run


def test_an_eligible_student_who_has_not_answered_gets_one_sms(sms_outbox, student, survey, remind):
    remind()
    assert [message.phone for message in sms_outbox] == [student.phone]
    assert survey.title in sms_outbox[0].text
    assert "仿真" in sms_outbox[0].text


def test_running_it_again_sends_nothing(sms_outbox, student, survey, remind):
    remind()
    output = remind()
    assert len(sms_outbox) == 1
    assert "reminded 0" in output
    assert SurveyReminder.objects.get().account == student


def test_a_student_who_answered_is_not_reminded(sms_outbox, student, survey, remind):
    services.response_submit(
        survey=survey, person=student.person, account=student,
        enrollment_id=student.person.enrollments.get(level="本科").pk,
        answers={"destination": "study"},
    )  # fmt: skip
    remind()
    assert sms_outbox == []


def test_students_outside_the_audience_are_not_reminded(sms_outbox, other_student, survey, remind):
    remind()
    assert sms_outbox == []


def test_a_verified_email_gets_the_reminder_too(sms_outbox, student, survey, remind):
    student.email, student.email_verified_at = "zhang@example.com", timezone.now()
    student.save()
    remind()
    assert [m.to for m in mail.outbox] == [["zhang@example.com"]]
    assert len(sms_outbox) == 1


def test_accounts_without_the_identity_check_are_not_reminded(sms_outbox, student, survey, remind):
    student.identity_verified_at = None
    student.save()
    remind()
    assert sms_outbox == []
    assert not SurveyReminder.objects.exists()


def test_closed_and_draft_surveys_send_nothing(sms_outbox, student, people, remind):
    make_survey(status=SurveyStatus.CLOSED)
    make_survey(status=SurveyStatus.DRAFT)
    assert "No open survey" in remind()
    assert sms_outbox == []


def test_a_dry_run_counts_and_sends_nothing(sms_outbox, student, survey, remind):
    assert "would remind 1" in remind("--dry-run")
    assert sms_outbox == []
    assert not SurveyReminder.objects.exists()


def test_one_survey_can_be_named(sms_outbox, student, survey, remind):
    assert "reminded 1" in remind("--survey", str(survey.public_id))
    with pytest.raises(CommandError):
        remind("--survey", "not-a-uuid")


def test_in_the_demo_the_reminder_lands_in_the_outbox(settings, student, survey, remind):
    settings.SMS_BACKEND = "accounts.sms.DatabaseBackend"
    remind()
    message = OutboxMessage.objects.get()
    assert message.recipient == student.phone
    assert survey.title in message.body
