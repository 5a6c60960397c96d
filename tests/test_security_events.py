"""Security events (ASVS 5.0 V16) as structured log lines: one test per event.

README "Logs and retention" lists each event with the test here that triggers it.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client

from accounts.models import User
from tests.accounts.conftest import captcha_answer, last_code
from tests.twofactor import confirmed_device
from xuexin.logging import JsonFormatter, RedactFilter

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery 9"
NEW = "a brand new pass phrase 42"


@pytest.fixture
def events(caplog):
    """The structured lines written so far, as the JSON formatter writes them."""
    caplog.set_level(logging.INFO, logger="xuexin.events")

    def lines(name: str) -> list[dict[str, object]]:
        found = []
        for record in caplog.records:
            if record.getMessage() == name:
                RedactFilter().filter(record)
                found.append(json.loads(JsonFormatter().format(record)))
        return found

    return lines


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    from accounts import sms

    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


def ask_reset(client: Client, username: str):
    page = client.get("/account/recover/password/").content.decode()
    data = {"username": username, "channel": "phone", **captcha_answer(page)}
    return client.post("/account/recover/password/", data)


def test_reset_request(client, student, events):
    ask_reset(client, student.phone)
    [line] = events("password.reset_requested")
    assert (line["user"], line["channel"], line["ip"]) == (student.pk, "phone", "127.0.0.0/24")


def test_reset_complete(client, student, events, sms_outbox):
    ask_reset(client, student.phone)
    data = {"sms_code": last_code(sms_outbox), "password1": NEW, "password2": NEW}
    client.post("/account/recover/password/code/", data)
    [line] = events("password.reset_completed")
    assert line["user"] == student.pk
    assert line["channel"] == "phone"


def test_password_change(student_client, student, events):
    data = {"current_password": PASSWORD, "password1": NEW, "password2": NEW}
    student_client.post("/account/password/", data)
    assert events("account.password_changed")[0]["user"] == student.pk


def test_phone_change(student_client, student, events, sms_outbox):
    data = {"new_phone": "13712345678", "password": PASSWORD}
    student_client.post("/account/phone/", {**data, "action": "send_code"})
    confirm = {**data, "action": "confirm", "sms_code": last_code(sms_outbox)}
    student_client.post("/account/phone/", confirm)
    [line] = events("account.phone_changed")
    assert line["user"] == student.pk
    assert "13712345678" not in json.dumps(line)


def test_email_change(student_client, student, events):
    student_client.post("/account/email/", {"email": "zhang@example.test", "password": PASSWORD})
    [line] = events("account.email_changed")
    assert line["user"] == student.pk
    assert "zhang@" not in json.dumps(line)


def test_totp_failure(client, registrar_a, events):
    confirmed_device(registrar_a)
    client.force_login(registrar_a)
    client.post("/account/staff/2fa/", {"token": "000000"})
    [line] = events("otp.failed")
    assert (line["user"], line["step"]) == (registrar_a.pk, "verify")


def test_lockout_names_the_masked_user(client, student, events, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOGIN_CAPTCHA_AFTER_FAILURES = 100
    for _ in range(3):
        client.post("/account/login/", {"username": student.phone, "password": "wrong"})
    line = events("login.locked")[-1]
    assert line["user"] == student.masked_phone
    assert student.phone not in json.dumps(line)


def test_forbidden(registrar_a_client, registrar_a, events):
    assert registrar_a_client.get("/admin/accounts/user/").status_code == 403
    [line] = events("http.forbidden")
    assert (line["user"], line["reason"], line["path"]) == (
        registrar_a.pk, "permission", "/admin/accounts/user/",
    )  # fmt: skip


def test_forbidden_by_csrf(student, events):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(student)
    assert browser.post("/account/password/", {}).status_code == 403
    assert events("http.forbidden")[0]["reason"] == "csrf"


def test_role_change(admin_client_, admin_user, other_student, events):
    from tests.accounts.test_admin_privileges import crafted

    crafted(admin_client_, other_student, is_staff="on")
    [line] = events("role.changed")
    assert (line["actor"], line["target"]) == (admin_user.pk, other_student.pk)
    assert line["changes"] == {"is_staff": {"old": False, "new": True}}
    assert User.objects.get(pk=other_student.pk).is_staff
