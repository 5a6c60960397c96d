"""登录学信档案: phone, email or ID; one message for all failures; captcha; axes cool-off."""

from __future__ import annotations

import datetime
import logging
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone

from accounts import forms
from tests.accounts.conftest import captcha_answer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/account/login/"
PASSWORD = "correct horse battery 9"  # the factories' password


def login(client, username: str, password: str = PASSWORD, ip: str = "10.1.1.1", **extra):
    return client.post(URL, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def test_it_logs_in_by_phone(client, student):
    response = login(client, student.phone)
    assert response["Location"] == reverse("records:archive-home")


def test_it_logs_in_by_id_number_in_any_case(client, student):
    typed = student.id_number.lower() if student.id_number.endswith("X") else student.id_number
    assert login(client, f" {typed} ").status_code == 302


def test_it_logs_in_by_a_verified_email(client, student):
    student.email, student.email_verified_at = "zhang@example.test", timezone.now()
    student.save()
    assert login(client, "ZHANG@example.test").status_code == 302


def test_an_unverified_email_does_not_log_in(client, student):
    student.email = "zhang@example.test"
    student.save()
    assert login(client, "zhang@example.test").status_code == 200


def scrub(html: str) -> str:
    """The page without what differs on every response: the CSRF token and the CSP nonce."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_unknown_user_and_wrong_password_get_the_same_page(client, student):
    wrong = login(client, student.phone, "not the password", ip="10.9.9.1")
    unknown = login(client, "13999999999", "not the password", ip="10.9.9.2")
    assert str(forms.ERR_LOGIN) in wrong.content.decode()
    assert scrub(wrong.content.decode()).replace(student.phone, "13999999999") == scrub(
        unknown.content.decode()
    )


def test_the_captcha_appears_after_three_failures(client, student):
    for _ in range(3):
        login(client, student.phone, "wrong password")
    page = login(client, student.phone)
    assert page.status_code == 200
    assert 'name="captcha_1"' in page.content.decode()


def test_the_page_answering_the_third_failure_already_shows_the_captcha(client, student):
    for _ in range(2):
        login(client, student.phone, "wrong password")
    page = login(client, student.phone, "wrong password").content.decode()

    assert 'name="captcha_1"' in page
    assert f'value="{student.phone}"' in page  # the username stays filled in
    assert 'alt="captcha"' not in page  # the image is described in words


def test_with_the_captcha_solved_the_right_password_works(client, student):
    for _ in range(3):
        login(client, student.phone, "wrong password")
    page = client.get(URL).content.decode()
    assert login(client, student.phone, **captcha_answer(page)).status_code == 302


def fail_until_locked(client, username: str, times: int, ip: str) -> None:
    """Fail ``times`` times, solving the captcha once it is asked for, as a patient attacker."""
    for _ in range(times):
        page = client.get(URL).content.decode()
        answer = captcha_answer(page) if 'name="captcha_1"' in page else {}
        login(client, username, "wrong password", ip=ip, **answer)


def test_too_many_failures_lock_that_username_from_that_ip(client, student, settings):
    settings.AXES_FAILURE_LIMIT = 4
    fail_until_locked(client, student.phone, 4, "10.2.2.2")
    page = client.get(URL).content.decode()
    response = login(client, student.phone, ip="10.2.2.2", **captcha_answer(page))
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)


def test_a_lockout_does_not_affect_another_ip(client, student, settings):
    settings.AXES_FAILURE_LIMIT = 4
    fail_until_locked(client, student.phone, 4, "10.2.2.2")
    client.cookies.clear()
    assert login(client, student.phone, ip="10.3.3.3").status_code == 302


def test_a_lockout_does_not_affect_another_username_from_the_same_ip(
    client, student, other_student, settings
):
    settings.AXES_FAILURE_LIMIT = 4
    fail_until_locked(client, student.phone, 4, "10.2.2.2")
    client.cookies.clear()
    assert login(client, other_student.phone, ip="10.2.2.2").status_code == 302


def test_a_lockout_ends_after_the_cool_off(client, student, settings):
    settings.AXES_FAILURE_LIMIT = 4
    fail_until_locked(client, student.phone, 4, "10.2.2.2")
    later = timezone.now() + settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=5)
    with time_machine.travel(later):
        client.cookies.clear()
        assert login(client, student.phone, ip="10.2.2.2").status_code == 302


def test_failures_are_counted_per_normalised_username(client, student):
    login(client, student.phone, "wrong", ip="10.4.4.4")
    login(client, f"+86 {student.phone}", "wrong", ip="10.4.4.4")
    assert AccessAttempt.objects.get().failures_since_start == 2


def test_next_is_followed_only_on_this_site(client, student):
    ok = login(client, student.phone, next="/account/")
    assert ok["Location"] == "/account/"
    client.logout()
    evil = login(client, student.phone, next="https://evil.example/")
    assert evil["Location"] == reverse("records:archive-home")


def test_login_rotates_the_session_key(client, student):
    client.get(URL)
    client.session.save()
    before = client.session.session_key
    login(client, student.phone)
    assert client.session.session_key != before


def test_logout_is_post_only(student_client):
    assert student_client.get("/account/logout/").status_code == 405
    assert student_client.get("/account/")["Cache-Control"]
    student_client.post("/account/logout/")
    assert student_client.get("/account/").status_code == 302


def test_an_active_session_lives_on_past_thirty_minutes(client, student):
    login(client, student.phone)
    start = timezone.now()
    for minutes in (10, 20, 29, 38):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
            assert client.get("/account/").status_code == 200


def test_an_idle_session_is_logged_out(client, student):
    login(client, student.phone)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        assert client.get("/account/").status_code == 302


def test_a_deactivated_account_gets_the_same_message(client, student):
    student.is_active = False
    student.save()
    response = login(client, student.phone)
    assert str(forms.ERR_LOGIN) in response.content.decode()


def test_passwords_are_stored_as_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_a_successful_login_is_recorded_with_a_truncated_ip(client, student):
    login(client, student.phone, ip="203.0.113.77")
    assert student.login_events.get().ip_prefix == "203.0.113.0/24"


def test_no_password_or_code_reaches_the_logs(client, student, caplog, sms_outbox):
    caplog.set_level(logging.DEBUG)
    login(client, student.phone, "a secret wrong password")
    login(client, student.phone)
    assert "a secret wrong password" not in caplog.text
    assert PASSWORD not in caplog.text
    assert student.id_number not in caplog.text
