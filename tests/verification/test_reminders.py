"""Expiry reminders: 7 days before a report or recipient code ends, once per expiry date."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Notification
from verification import recipients, reminders, services
from verification.models import VerificationReport

pytestmark = pytest.mark.django_db

SITE = "https://xuexin.example.test"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def at(day: datetime.date):
    """The clock at 09:00 local time on ``day`` (when cron runs the command)."""
    moment = datetime.datetime.combine(
        day, datetime.time(9), tzinfo=timezone.get_current_timezone()
    )
    return time_machine.travel(moment, tick=False)


def window_opens(row) -> datetime.date:
    return row.valid_until - datetime.timedelta(days=reminders.DAYS_BEFORE)


def run() -> None:
    call_command("send_report_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


def sms_to(user) -> list[str]:
    rows = Notification.objects.filter(channel=Notification.Channel.SMS, recipient=user.phone)
    return list(rows.order_by("pk").values_list("body", flat=True))


def test_the_owner_is_reminded_seven_days_before_with_a_link_to_extend(student, report):
    with at(window_opens(report)):
        run()
    [text] = sms_to(student)
    assert f"{SITE}/archive/reports/{report.public_id}/" in text
    assert f"{report.valid_until:%Y年%m月%d日}" in text
    assert "中山大学" in text


def test_nothing_is_sent_eight_days_before(student, report):
    with at(window_opens(report) - datetime.timedelta(days=1)):
        run()
    assert sms_to(student) == []


def test_each_expiry_is_reminded_of_once(student, report):
    with at(window_opens(report)):
        run()
        run()
    with at(window_opens(report) + datetime.timedelta(days=3)):
        run()
    assert len(sms_to(student)) == 1


def test_an_extended_report_is_reminded_of_its_new_expiry(student, report):
    with at(window_opens(report)):
        run()
        extended = services.report_extend(report=report, months=1)
    with at(window_opens(extended)):
        run()
    texts = sms_to(student)
    assert len(texts) == 2
    assert f"{extended.valid_until:%Y年%m月%d日}" in texts[1]


def test_a_recipient_code_is_reminded_of_on_its_own_date(student, report):
    code_ends = timezone.localdate() + datetime.timedelta(days=20)
    recipients.recipient_issue(report=report, label="甲公司", valid_until=code_ends)
    with at(code_ends - datetime.timedelta(days=reminders.DAYS_BEFORE)):
        run()
    [text] = sms_to(student)
    assert "甲公司" in text
    assert f"{code_ends:%Y年%m月%d日}" in text


def test_a_recipient_code_with_a_new_date_is_reminded_again(student, report):
    first_end = timezone.localdate() + datetime.timedelta(days=10)
    recipient = recipients.recipient_issue(report=report, label="甲公司", valid_until=first_end)
    with at(first_end - datetime.timedelta(days=reminders.DAYS_BEFORE)):
        run()
        recipients.recipient_extend(recipient=recipient, valid_until=report.valid_until)
    with at(window_opens(report)):
        run()
    texts = sms_to(student)
    # The second message covers the report and its code, which now end on the same day.
    assert len(texts) == 2
    assert "甲公司" in texts[1]


def test_one_message_per_account_and_run(student, report):
    recipients.recipient_issue(report=report, label="甲公司", valid_until=report.valid_until)
    with at(window_opens(report)):
        run()
    [text] = sms_to(student)
    assert text.count(f"{report.valid_until:%Y年%m月%d日}") == 2


def test_no_reminder_when_turned_off(student, report):
    student.report_reminders = False
    student.save(update_fields=["report_reminders"])
    with at(window_opens(report)):
        run()
    assert sms_to(student) == []


def test_closed_reports_and_codes_are_not_reminded_of(student, report):
    recipient = recipients.recipient_issue(
        report=report, label="甲公司", valid_until=timezone.localdate() + datetime.timedelta(9)
    )
    recipients.recipient_close(recipient=recipient)
    with at(timezone.localdate() + datetime.timedelta(days=2)):
        run()
    services.report_close(report=report, reason="x")
    with at(window_opens(report)):
        run()
    assert sms_to(student) == []


def test_a_validity_set_inside_the_window_is_not_reminded_of(student, report):
    recipients.recipient_issue(
        report=report, label="甲公司", valid_until=timezone.localdate() + datetime.timedelta(3)
    )
    run()
    assert sms_to(student) == []


def test_the_reminder_is_stored_with_the_date_it_was_for(report):
    with at(window_opens(report)):
        run()
    assert VerificationReport.objects.get().reminded_for == report.valid_until


def test_a_dry_run_sends_nothing(student, report):
    with at(window_opens(report)):
        call_command("send_report_reminders", "--dry-run", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sms_to(student) == []
    assert VerificationReport.objects.get().reminded_for is None


def test_the_command_needs_the_sites_address(settings, report):
    settings.SITE_URL = ""
    with pytest.raises(CommandError, match="XUEXIN_SITE_URL"):
        run()


def test_the_link_asks_a_stranger_to_log_in(client, report):
    response = client.get(f"/archive/reports/{report.public_id}/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_the_account_page_offers_to_turn_reminders_off(student_client):
    html = student_client.get("/account/").content.decode()
    assert 'action="/account/reminders/"' in html
    assert 'name="report_reminders"' in html


def test_the_student_turns_reminders_off_and_on(student_client, student):
    student_client.post("/account/reminders/", {})
    student.refresh_from_db()
    assert student.report_reminders is False
    student_client.post("/account/reminders/", {"report_reminders": "on"})
    student.refresh_from_db()
    assert student.report_reminders is True


def test_the_setting_refuses_get(student_client):
    assert student_client.get("/account/reminders/").status_code == 405


def test_the_setting_needs_a_login(client):
    assert client.post("/account/reminders/", {}).status_code == 302


@pytest.mark.slow
def test_the_demo_has_a_report_to_remind_of():
    from accounts.demo import STUDENT, create_demo_logins
    from accounts.models import User
    from records import demo as records_demo
    from records.models import Person
    from verification.demo import seed_report_near_expiry

    records_demo.seed(person_count=1)
    create_demo_logins(Person.objects.get(id_number=records_demo.EXAMPLE_ID))
    assert seed_report_near_expiry()
    assert seed_report_near_expiry() == []
    run()
    [text] = sms_to(User.objects.get(phone=STUDENT.phone))
    assert "示例科技有限公司" in text


def test_codes_of_one_report_share_its_link(student, report):
    recipients.recipient_issue(report=report, label="甲公司", valid_until=report.valid_until)
    with at(window_opens(report)):
        run()
    [text] = sms_to(student)
    assert text.count(f"/archive/reports/{report.public_id}/") == 1
