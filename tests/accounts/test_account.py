"""账号管理: password, phone and email changes; recent logins; name and ID read-only."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.conftest import last_code

pytestmark = pytest.mark.django_db

OLD = "correct horse battery 9"
NEW = "another long pass phrase 8"


def test_the_page_requires_login(client):
    assert client.get("/account/")["Location"].startswith("/account/login/")


def test_the_page_masks_the_id_number_and_phone(student_client, student):
    html = student_client.get("/account/").content.decode()
    assert student.id_number not in html
    assert student.masked_id_number in html


def test_name_and_id_cannot_be_changed_by_the_student(student_client):
    html = student_client.get("/account/").content.decode()
    assert 'name="real_name"' not in html
    assert 'name="id_number"' not in html


def test_changing_the_password_needs_the_current_one(student_client, student):
    response = student_client.post(
        "/account/password/", {"current_password": "wrong", "password1": NEW, "password2": NEW}
    )
    student.refresh_from_db()
    assert response.status_code == 200
    assert student.check_password(OLD)


def test_changing_the_password_ends_other_sessions_but_not_this_one(
    student_client, student, client_factory
):
    other = client_factory()
    other.force_login(student)
    student_client.post(
        "/account/password/", {"current_password": OLD, "password1": NEW, "password2": NEW}
    )
    assert student_client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


def test_changing_the_phone_needs_password_and_a_code_to_the_new_number(
    student_client, student, sms_outbox
):
    data = {"new_phone": "13712345678", "password": OLD}
    student_client.post("/account/phone/", {**data, "action": "send_code"})
    assert sms_outbox[-1].phone == "13712345678"
    student_client.post(
        "/account/phone/", {**data, "action": "confirm", "sms_code": last_code(sms_outbox)}
    )
    student.refresh_from_db()
    assert student.phone == "13712345678"


def test_the_old_phone_is_told_about_the_change(
    student_client, student, sms_outbox, django_capture_on_commit_callbacks
):
    old_phone = student.phone
    data = {"new_phone": "13712345678", "password": OLD}
    student_client.post("/account/phone/", {**data, "action": "send_code"})
    with django_capture_on_commit_callbacks(execute=True):
        student_client.post(
            "/account/phone/", {**data, "action": "confirm", "sms_code": last_code(sms_outbox)}
        )
    assert sms_outbox[-1].phone == old_phone
    assert "138" not in sms_outbox[-1].text


def test_a_wrong_password_sends_no_code(student_client, sms_outbox):
    student_client.post(
        "/account/phone/", {"new_phone": "13712345678", "password": "x", "action": "send_code"}
    )
    assert sms_outbox == []


def bind(client, email: str, password: str = OLD):
    return client.post("/account/email/", {"email": email, "password": password})


def activation_link() -> str:
    match = re.search(r"http://testserver(\S+)", str(mail.outbox[-1].body))
    assert match is not None, "no link in the last mail"
    return match.group(1)


def test_an_email_is_activated_by_its_link_with_a_post(student_client, student):
    bind(student_client, "zhang@example.test")
    link = activation_link()
    student_client.get(link)
    student.refresh_from_db()
    assert student.email_verified_at is None
    student_client.post(link)
    student.refresh_from_db()
    assert student.email_verified_at is not None


def test_an_activation_link_works_once(student_client):
    bind(student_client, "zhang@example.test")
    link = activation_link()
    assert student_client.post(link).status_code == 302
    assert student_client.post(link).status_code == 400


def test_an_activation_link_for_a_replaced_address_is_dead(student_client):
    bind(student_client, "first@example.test")
    first = activation_link()
    bind(student_client, "second@example.test")
    assert student_client.post(first).status_code == 400


def test_another_account_cannot_use_my_activation_link(
    student_client, client_factory, other_student
):
    bind(student_client, "zhang@example.test")
    other = client_factory()
    other.force_login(other_student)
    assert other.post(activation_link()).status_code == 400


# --- Re-authentication and the old channels told (DESIGN §4.3) ----------------------------


def test_changing_the_email_needs_the_current_password(student_client, student):
    response = bind(student_client, "thief@example.test", password="not my password")
    student.refresh_from_db()
    assert response.status_code == 200
    assert student.email is None
    assert mail.outbox == []


def test_a_session_alone_cannot_replace_a_verified_email(student_client, student):
    from django.utils import timezone

    student.email, student.email_verified_at = "zhang@example.test", timezone.now()
    student.save()
    student_client.post("/account/email/", {"email": "thief@example.test"})
    student.refresh_from_db()
    assert student.email == "zhang@example.test"
    assert student.email_verified_at is not None


def test_the_old_email_and_the_phone_are_told_about_a_new_email(
    student_client, student, sms_outbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    student.email, student.email_verified_at = "zhang@example.test", timezone.now()
    student.save()
    with django_capture_on_commit_callbacks(execute=True):
        bind(student_client, "new@example.test")
    assert [m.phone for m in sms_outbox] == [student.phone]
    told = [m for m in mail.outbox if m.to == ["zhang@example.test"]]
    assert len(told) == 1
    assert "new@example.test" not in told[0].body


def test_a_password_change_is_told_to_the_phone(
    student_client, student, sms_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        student_client.post(
            "/account/password/", {"current_password": OLD, "password1": NEW, "password2": NEW}
        )
    assert [m.phone for m in sms_outbox] == [student.phone]
    assert "密码" in sms_outbox[0].text


def test_guessing_the_current_password_is_throttled(student_client, settings):
    settings.ACCOUNT_RATE_PER_TARGET = "3/h"
    for _ in range(3):
        bind(student_client, "x@example.test", password="guess")
    assert bind(student_client, "x@example.test", password=OLD).status_code == 429


def test_recent_logins_are_listed(client, student):
    client.post("/account/login/", {"username": student.phone, "password": OLD})
    html = client.get("/account/").content.decode()
    assert "127.0.0.0/24" in html
