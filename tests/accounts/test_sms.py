"""The SMS gateway is a pluggable backend chosen by SMS_BACKEND."""

from __future__ import annotations

import io

import pytest

from accounts import sms
from accounts.models import OutboxMessage


def test_the_locmem_backend_keeps_messages_for_tests(sms_outbox):
    sms.send_sms("13800000001", "你好")
    assert sms_outbox == [sms.SmsMessage("13800000001", "你好")]


def test_the_console_backend_prints(capsys):
    backend = sms.ConsoleBackend()
    backend.send(sms.SmsMessage("13800000001", "你好"))
    assert "13800000001" in capsys.readouterr().out


def test_the_console_backend_writes_to_a_given_stream():
    stream = io.StringIO()
    sms.ConsoleBackend(stream).send(sms.SmsMessage("13800000001", "测试"))
    assert "测试" in stream.getvalue()


@pytest.mark.django_db
def test_the_database_backend_fills_the_demo_outbox(settings):
    settings.SMS_BACKEND = "accounts.sms.DatabaseBackend"
    sms.send_sms("13800000001", "你好")
    assert OutboxMessage.objects.get().recipient == "13800000001"


def test_the_setting_chooses_the_backend(settings):
    settings.SMS_BACKEND = "accounts.sms.ConsoleBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)
