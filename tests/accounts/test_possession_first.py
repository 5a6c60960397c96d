"""Possession first (DESIGN §4.3): crafted POSTs learn nothing about anyone's account.

Tried as an attacker would: many requests against the registration and recovery steps with a
victim's phone, ID number or email, next to the same requests for nobody's. Every pair of
answers must be the same page once the tokens and the typed values are blanked out.
"""

from __future__ import annotations

import datetime

import pytest

from accounts import otp
from accounts.forms import ERR_RESET_CODE
from accounts.passwords import ERR_PERSONAL_NUMBER
from records.synthetic import resident_id
from tests.accounts.conftest import captcha_answer, last_code
from tests.accounts.test_register import normalised, registration, same_page, send_code

pytestmark = pytest.mark.django_db

REGISTER = "/account/register/"
RESET = "/account/recover/password/"
RESET_CODE = "/account/recover/password/code/"
PASSWORD = "a long pass phrase 77"


@pytest.fixture(autouse=True)
def generous_throttles(settings):
    """The oracle itself is under test here; the throttles have their own tests below."""
    settings.ACCOUNT_RATE_PER_ADDRESS = "10000/h"
    settings.ACCOUNT_RATE_PER_TARGET = "10000/h"


def free_ids(count: int) -> list[str]:
    return [resident_id("320102", datetime.date(1999, 1, 1 + n), 100 + n) for n in range(count)]


def windows(number: str, size: int = 6) -> list[str]:
    return [number[i : i + size] for i in range(len(number) - size + 1)]


# --- 找回密码: the SMS code step ------------------------------------------------------------


def ask_reset(client, username: str):
    page = client.get(RESET).content.decode()
    data = {"username": username, "channel": "phone", **captcha_answer(page)}
    return client.post(RESET, data)


def crafted_reset_posts(client, runs: list[str]) -> list[tuple[int, str]]:
    """Wrong codes with passwords packed with digit runs, as the ID-recovery attack sent them."""
    answers = []
    for n, run in enumerate(runs):
        password = f"pw{run}pw{run[::-1]}x"
        data = {"sms_code": "000000", "password1": password, "password2": password}
        # From 16 addresses, as the attack that recovered an ID number in 290 POSTs was sent.
        response = client.post(RESET_CODE, data, REMOTE_ADDR=f"198.51.100.{n % 16}")
        answers.append(normalised(response, password))
    return answers


def test_the_reset_code_step_is_no_oracle_for_the_victims_numbers(
    client, client_factory, student, sms_outbox
):
    # Every 6-digit window of the victim's ID and phone, and as many that are not in them.
    runs = windows(student.id_number) + windows(student.phone)
    runs += [f"{n:06d}" for n in range(900100, 900100 + len(runs))]
    ask_reset(client, student.phone)
    against_victim = crafted_reset_posts(client, runs)
    stranger = client_factory()
    ask_reset(stranger, "13999990000")
    against_nobody = crafted_reset_posts(stranger, runs)
    assert all(str(ERR_PERSONAL_NUMBER) not in html for _status, html in against_victim)
    assert against_victim == against_nobody
    assert all(str(ERR_RESET_CODE) in html for _status, html in against_victim)
    student.refresh_from_db()
    assert student.check_password("correct horse battery 9")


def test_the_person_rules_apply_once_the_code_is_right(client, student, sms_outbox):
    ask_reset(client, student.phone)
    mine = f"pw{student.id_number[6:14]}pw"
    response = client.post(
        RESET_CODE, {"sms_code": last_code(sms_outbox), "password1": mine, "password2": mine}
    )
    assert str(ERR_PERSONAL_NUMBER) in response.content.decode()
    good = "a brand new pass phrase 42"
    # The code is spent, yet the proof of holding the phone carries the next try.
    client.post(RESET_CODE, {"password1": good, "password2": good})
    student.refresh_from_db()
    assert student.check_password(good)


def test_the_resend_timer_answers_alike_for_unknown_accounts(client, student, sms_outbox):
    ask_reset(client, student.phone)
    known = ask_reset(client, student.phone)
    ask_reset(client, "13999990000")
    unknown = ask_reset(client, "13999990000")
    assert "请 60 秒后再试" in known.content.decode() or "秒后再试" in known.content.decode()
    assert same_page(known, unknown, student.phone, "13999990000")


def test_a_refused_send_is_not_said_either(client, student, sms_outbox, settings):
    settings.OTP_DAILY_LIMIT_PER_DESTINATION = 0  # every real send is refused
    known = ask_reset(client, student.phone)
    unknown = ask_reset(client, "13999990001")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert client.get(known["Location"]).content.decode().count(str(otp.ERR_DAILY_LIMIT)) == 0


# --- 注册: a wrong SMS code with someone's ID, phone or email ---------------------------------


def attacker_with_code(client, phone: str, sms_outbox) -> str:
    send_code(client, phone)
    return last_code(sms_outbox)


def crafted_registrations(client, phone: str, ids: list[str], emails: list[str]):
    answers = []
    for id_number, email in zip(ids, emails, strict=True):
        data = registration("000000", phone=phone, id_number=id_number, email=email,
                            real_name="张测试")  # fmt: skip
        response = client.post(REGISTER, data)
        answers.append(normalised(response, phone, id_number, email))
    return answers


def test_registration_does_not_tell_who_has_an_account(
    client, client_factory, student, other_student, sms_outbox
):
    from django.utils import timezone

    student.email, student.email_verified_at = "zhang@example.test", timezone.now()
    student.save()
    taken_ids = [student.id_number, other_student.id_number] * 3
    taken_emails = ["zhang@example.test", "ZHANG@example.test"] * 3
    free = free_ids(len(taken_ids))
    free_emails = [f"nobody{n}@example.test" for n in range(len(free))]
    attacker = client
    attacker_with_code(attacker, "13912340001", sms_outbox)
    against_victims = crafted_registrations(attacker, "13912340001", taken_ids, taken_emails)
    other = client_factory()
    attacker_with_code(other, "13912340002", sms_outbox)
    against_nobody = crafted_registrations(other, "13912340002", free, free_emails)
    html = " ".join(page for _status, page in against_victims)
    assert "证件号码已被注册" not in html
    assert "已被其他账号绑定" not in html
    assert against_victims == against_nobody


def test_a_wrong_code_with_a_victims_phone_answers_as_for_a_free_phone(
    client, client_factory, student, sms_outbox
):
    victim = client.post(REGISTER, registration("000000", phone=student.phone))
    free = client_factory().post(REGISTER, registration("000000", phone="13912340003"))
    assert same_page(victim, free, student.phone, "13912340003")


# --- Throttles on every such POST -----------------------------------------------------------


def test_registration_posts_are_throttled_per_phone(client_factory, settings):
    settings.ACCOUNT_RATE_PER_TARGET = "5/h"
    answers = [
        client_factory(REMOTE_ADDR=f"203.0.113.{n}").post(
            REGISTER, registration("000000", phone="13912340004")
        ).status_code
        for n in range(6)
    ]  # fmt: skip
    assert answers == [200] * 5 + [429]


def test_registration_posts_are_throttled_per_address(client, settings):
    settings.ACCOUNT_RATE_PER_ADDRESS = "5/h"
    answers = [
        client.post(REGISTER, registration("000000", phone=f"1391234{n:04d}")).status_code
        for n in range(6)
    ]
    assert answers == [200] * 5 + [429]


def test_reset_requests_are_throttled_per_username(client_factory, settings, student):
    settings.ACCOUNT_RATE_PER_TARGET = "3/h"
    answers = []
    for n in range(4):
        browser = client_factory(REMOTE_ADDR=f"203.0.113.{n}")
        answers.append(ask_reset(browser, student.phone).status_code)
    assert answers[-1] == 429


def test_reset_code_guesses_are_throttled_per_account(client, settings, student):
    settings.ACCOUNT_RATE_PER_TARGET = "3/h"
    ask_reset(client, student.phone)
    answers = [status for status, _html in crafted_reset_posts(client, ["123456"] * 4)]
    assert answers == [200, 200, 200, 429]


def test_username_recovery_is_throttled_per_id_number(client_factory, settings, student):
    settings.ACCOUNT_RATE_PER_TARGET = "2/h"
    answers = []
    for n in range(3):
        browser = client_factory(REMOTE_ADDR=f"203.0.113.{n}")
        page = browser.get("/account/recover/username/").content.decode()
        data = {"id_type": student.id_type, "id_number": student.id_number,
                "real_name": "某人", **captcha_answer(page)}  # fmt: skip
        answers.append(browser.post("/account/recover/username/", data).status_code)
    assert answers == [302, 302, 429]
