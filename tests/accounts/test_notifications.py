"""Notifications are stored with the decision and sent after commit, retried until they go.

A failing SMS gateway delays a notification; it never loses it, and the reviewer sees success.
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts import notifications, services, sms
from accounts.models import IdentityClaim, Notification, User
from tests.accounts import test_claim_queue
from tests.accounts.test_claim_queue import QUEUE

claims = test_claim_queue.claims  # the fixtures, shared
support = test_claim_queue.support

pytestmark = pytest.mark.django_db


class FlakyGateway(sms.BaseBackend):
    """A gateway that is down while ``down`` is set, and delivers to the outbox otherwise."""

    down = True

    def send(self, message: sms.SmsMessage) -> None:
        if FlakyGateway.down:
            raise ConnectionError("gateway unreachable")
        sms.outbox.append(message)


@pytest.fixture
def flaky_gateway(settings):
    settings.SMS_BACKEND = "tests.accounts.test_notifications.FlakyGateway"
    FlakyGateway.down = True
    yield FlakyGateway
    FlakyGateway.down = True


def test_a_gateway_failure_after_an_approval_loses_nothing(
    support, claims, flaky_gateway, sms_outbox, django_capture_on_commit_callbacks
):
    claim = claims[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = support.post(
            f"{QUEUE}{claim.pk}/change/", {"decision": "approve", "decision_note": ""}
        )
    assert response.status_code == 302  # the reviewer sees success
    claim.refresh_from_db()
    waiting = Notification.objects.get(recipient=claim.claimant.phone)
    assert claim.status == "approved"
    assert (waiting.status, waiting.attempts, sms_outbox) == ("pending", 1, [])
    flaky_gateway.down = False
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        call_command("send_notifications", stdout=StringIO())
    waiting.refresh_from_db()
    assert waiting.status == "sent"
    assert [m.phone for m in sms_outbox] == [claim.claimant.phone]


def test_the_notification_commits_or_rolls_back_with_the_decision(claims, admin_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.claim_approve(claim=claims[0], reviewer=admin_user)
        raise RuntimeError("the decision fails after the notification was queued")
    assert not Notification.objects.exists()
    assert IdentityClaim.objects.get(pk=claims[0].pk).status == "pending"


def test_a_retry_waits_for_its_time(flaky_gateway, people):
    user = User.objects.create_user("13900000901", "a long pass phrase 1")
    notifications.queue(user, "你好", "主题")
    notifications.deliver_due()  # fails: attempt 1, next in a minute
    flaky_gateway.down = False
    assert notifications.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        assert notifications.deliver_due()["sent"] == 1


def test_after_many_failures_it_is_kept_as_failed_for_staff(flaky_gateway, people):
    user = User.objects.create_user("13900000902", "a long pass phrase 1")
    notifications.queue(user, "你好", "主题")
    moment = timezone.now()
    for _ in range(notifications.MAX_ATTEMPTS):
        with time_machine.travel(moment):
            notifications.deliver_due()
        moment += notifications.LONGEST_DELAY + datetime.timedelta(seconds=1)
    kept = Notification.objects.get()
    assert (kept.status, kept.attempts) == ("failed", notifications.MAX_ATTEMPTS)
    assert kept.last_error == "ConnectionError"


def test_the_command_says_what_it_did(flaky_gateway, people):
    flaky_gateway.down = False
    user = User.objects.create_user("13900000903", "a long pass phrase 1")
    notifications.queue(user, "你好", "主题")
    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert out.getvalue().strip() == "sent 1, to retry 0, given up 0"
