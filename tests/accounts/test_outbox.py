"""The demo outbox lists what the simulated gateways sent, and only in demo mode."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts import sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_gateways(settings):
    settings.DEMO_OUTBOX_ENABLED = True
    settings.SMS_BACKEND = "accounts.sms.DatabaseBackend"
    settings.EMAIL_BACKEND = "accounts.mail.DatabaseEmailBackend"


def test_it_lists_sms_and_emails_newest_first(client, demo_gateways):
    sms.send_sms("13800000001", "第一条短信")
    mail.send_mail("主题", "第二封邮件", None, ["a@example.test"])
    html = client.get("/account/outbox/").content.decode()
    assert html.index("第二封邮件") < html.index("第一条短信")


def test_it_is_404_when_the_demo_outbox_is_off(client, settings):
    settings.DEMO_OUTBOX_ENABLED = False
    assert client.get("/account/outbox/").status_code == 404


def test_it_refuses_post(client, demo_gateways):
    assert client.post("/account/outbox/").status_code == 405
