"""Limits and reminders hold when two requests or two cron runs come at the same moment."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from accounts.models import Notification
from verification import recipients, reminders
from verification.models import RecipientCode
from xuexin.refused import Refused

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls: Callable[[], object]) -> list[str]:
    """Run ``calls`` in threads released together; what each ended with."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
            outcomes.append("done")
        except Refused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_codes_at_once_never_pass_the_limit_per_report(report):
    for n in range(recipients.MAX_RECIPIENTS_PER_REPORT - 1):
        recipients.recipient_issue(report=report, label=f"公司{n}", valid_until=report.valid_until)

    def last(label: str) -> Callable[[], object]:
        return lambda: recipients.recipient_issue(
            report=report, label=label, valid_until=report.valid_until
        )

    assert at_once(last("甲"), last("乙")) == ["done", "refused"]
    assert RecipientCode.objects.count() == recipients.MAX_RECIPIENTS_PER_REPORT


def test_two_reminder_runs_at_once_send_one_message(report, student, settings):
    import datetime

    import time_machine

    settings.SITE_URL = "https://xuexin.example.test"
    day = report.valid_until - datetime.timedelta(days=reminders.DAYS_BEFORE)
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False):
        at_once(reminders.send, reminders.send)
    assert Notification.objects.filter(recipient=student.phone).count() == 1
