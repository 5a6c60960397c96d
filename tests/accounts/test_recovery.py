"""找回用户名 and 找回密码: masked answers, same response for unknown accounts, sessions end."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.accounts.conftest import captcha_answer, last_code

pytestmark = pytest.mark.django_db

USERNAME_URL = "/account/recover/username/"
PASSWORD_URL = "/account/recover/password/"
CODE_URL = "/account/recover/password/code/"
NEW_PASSWORD = "a brand new pass phrase 42"


def ask_username(client, student, name: str):
    page = client.get(USERNAME_URL).content.decode()
    data = {"id_type": student.id_type, "id_number": student.id_number, "real_name": name}
    return client.post(USERNAME_URL, {**data, **captcha_answer(page)})


def test_the_username_goes_to_the_accounts_phone_not_to_the_page(
    client, student, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_username(client, student, student.real_name)
    page = client.get(response["Location"]).content.decode()
    assert student.masked_phone not in page
    assert [m.phone for m in sms_outbox] == [student.phone]


def test_the_username_page_answers_alike_whether_or_not_an_account_matches(
    client, student, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = ask_username(client, student, student.real_name)
        unknown = ask_username(client, student, "别人")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(sms_outbox) == 1


def ask_reset(client, username: str, channel: str = "phone"):
    page = client.get(PASSWORD_URL).content.decode()
    return client.post(
        PASSWORD_URL, {"username": username, "channel": channel, **captcha_answer(page)}
    )


def test_an_unknown_account_gets_the_same_answer_as_a_known_one(client, student, sms_outbox):
    known = ask_reset(client, student.phone)
    client.cookies.clear()
    unknown = ask_reset(client, "13999990000")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [m.phone for m in sms_outbox] == [student.phone]


def test_the_code_resets_the_password_and_ends_other_sessions(
    client, student, sms_outbox, client_factory
):
    other_device = client_factory()
    other_device.force_login(student)
    ask_reset(client, student.phone)
    response = client.post(CODE_URL, {
        "sms_code": last_code(sms_outbox), "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })  # fmt: skip
    student.refresh_from_db()
    assert response.status_code == 302
    assert student.check_password(NEW_PASSWORD)
    assert other_device.get("/account/").status_code == 302


def test_a_code_for_an_unknown_account_is_never_accepted(client):
    ask_reset(client, "13999990000")
    response = client.post(CODE_URL, {
        "sms_code": "123456", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
    })  # fmt: skip
    assert response.status_code == 200
    assert response.context["form"].errors["sms_code"]


def test_the_email_link_resets_once(client, student):
    student.email, student.email_verified_at = "zhang@example.test", timezone.now()
    student.save()
    ask_reset(client, student.phone, channel="email")
    link = re.search(r"http://testserver(\S+)", mail.outbox[-1].body).group(1)
    data = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert client.post(link, data).status_code == 302
    assert client.post(link, data).status_code == 400


def test_no_email_is_sent_to_an_unverified_address(client, student):
    student.email = "zhang@example.test"
    student.save()
    ask_reset(client, student.phone, channel="email")
    assert mail.outbox == []
