"""Times shown to people are in the site's time zone (Asia/Shanghai), never the stored UTC."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import IdentityCheckAttempt, LoginEvent, OneTimeCode, OutboxMessage
from audit.models import AccessLog
from records.models import CorrectionEvent
from verification.models import VerificationEvent

# 23:30 UTC is 07:30 the next morning in Beijing.
STORED = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "instance",
    [
        AccessLog(created_at=STORED, actor_label="x", action="export"),
        CorrectionEvent(created_at=STORED, status="submitted"),
        VerificationEvent(created_at=STORED, channel="web"),
        OneTimeCode(created_at=STORED, purpose="register"),
        OutboxMessage(created_at=STORED, channel="sms"),
        LoginEvent(created_at=STORED),
        IdentityCheckAttempt(created_at=STORED),
    ],
    ids=lambda instance: type(instance).__name__,
)
def test_titles_show_local_time(instance):
    assert "2026-03-02 07:30" in str(instance)
    assert "2026-03-01 23:30" not in str(instance)
