"""Retention: records older than their period go (purge_expired); log files rotate (logrotate)."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts import notifications
from accounts.models import LoginEvent, Notification, OneTimeCode, OutboxMessage

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_purge_expired_deletes_only_what_is_past_its_period(student, settings):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    with time_machine.travel(long_ago):
        LoginEvent.objects.create(user=student, ip_prefix="10.0.0.0/24")
        OutboxMessage.objects.create(channel="sms", recipient="13900000101", body="旧")
        OneTimeCode.objects.create(purpose="register", destination="13900000101", code_hash="x",
                                   nonce="n", expires_at=timezone.now())  # fmt: skip
        sent, pending = notifications.queue(student, "旧通知", "旧")[0], None
        Notification.objects.filter(pk=sent.pk).update(status="sent")
        pending = notifications.queue(student, "未发出", "旧")[0]
    fresh = LoginEvent.objects.create(user=student, ip_prefix="10.0.0.0/24")
    call_command("purge_expired", stdout=StringIO())
    assert list(LoginEvent.objects.all()) == [fresh]
    assert not OutboxMessage.objects.exists()
    assert not OneTimeCode.objects.exists()
    assert list(Notification.objects.values_list("pk", flat=True)) == [pending.pk]


def test_the_logrotate_example_is_valid_and_keeps_180_days(tmp_path):
    binary = shutil.which("logrotate") or "/usr/sbin/logrotate"
    assert Path(binary).exists(), "logrotate is not installed (Debian: apt-get install logrotate)"
    text = (BASE_DIR / "deploy" / "logrotate.conf").read_text()
    assert text.count("rotate 180") == 2
    for folder in ("xuexin", "nginx"):
        (tmp_path / folder).mkdir()
        text = text.replace(f"/var/log/{folder}/", f"{tmp_path}/{folder}/")
    (tmp_path / "xuexin" / "app.log").write_text("{}\n")
    (tmp_path / "nginx" / "xuexin.access.log").write_text("line\n")
    config = tmp_path / "logrotate.conf"
    config.write_text(text)
    result = subprocess.run(  # noqa: S603 - the system's logrotate on our own example
        [binary, "-d", "-s", str(tmp_path / "state"), str(config)],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower()
