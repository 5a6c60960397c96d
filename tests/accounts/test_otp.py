"""SMS codes: hashed, purpose-bound, 10 minutes, single use, 5 tries, 60 s resend, daily caps."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from accounts import otp
from accounts.models import OneTimeCode
from tests.accounts.conftest import last_code

pytestmark = pytest.mark.django_db

REGISTER = OneTimeCode.Purpose.REGISTER
PHONE = "13912345678"


def send(phone: str = PHONE, ip: str = "10.0.0.1", purpose: str = REGISTER) -> None:
    otp.send_code(purpose=purpose, destination=phone, ip=ip)


def check(code: str, phone: str = PHONE, purpose: str = REGISTER) -> None:
    otp.check_code(purpose=purpose, destination=phone, code=code)


def refusal(call) -> str:
    with pytest.raises(otp.CodeRefused) as caught:
        call()
    return caught.value.code


def test_a_sent_code_is_accepted_once(sms_outbox):
    send()
    code = last_code(sms_outbox)
    check(code)
    assert refusal(lambda: check(code)) == "expired"


def test_only_a_hash_of_the_code_is_stored(sms_outbox):
    send()
    stored = OneTimeCode.objects.get()
    assert last_code(sms_outbox) not in (stored.code_hash, stored.nonce)
    assert len(stored.code_hash) == 64


def test_a_code_expires_after_ten_minutes(sms_outbox):
    send()
    code = last_code(sms_outbox)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=10, seconds=1)):
        assert refusal(lambda: check(code)) == "expired"


def test_a_code_still_works_just_before_it_expires(sms_outbox):
    send()
    code = last_code(sms_outbox)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=9, seconds=50)):
        check(code)


def test_a_code_dies_after_five_wrong_tries(sms_outbox):
    send()
    code = last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    results = [refusal(lambda: check(wrong)) for _ in range(5)]
    assert results == ["wrong"] * 4 + ["dead"]
    assert refusal(lambda: check(code)) == "dead"


def test_a_code_is_bound_to_its_purpose(sms_outbox):
    send()
    code = last_code(sms_outbox)
    assert refusal(lambda: check(code, purpose=OneTimeCode.Purpose.RESET_PASSWORD)) == "expired"


def test_a_code_is_bound_to_its_phone(sms_outbox):
    send()
    assert refusal(lambda: check(last_code(sms_outbox), phone="13912345679")) == "expired"


def test_a_second_code_within_sixty_seconds_is_refused(sms_outbox):
    send()
    assert refusal(send) == "resend_too_soon"
    assert len(sms_outbox) == 1


def test_a_new_code_after_sixty_seconds_replaces_the_old_one(sms_outbox):
    send()
    first = last_code(sms_outbox)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        send()
        second = last_code(sms_outbox)
        if first != second:
            assert refusal(lambda: check(first)) in {"wrong", "expired"}
        check(second)


def test_at_most_ten_codes_a_day_per_phone(sms_outbox):
    start = timezone.now()
    for minute in range(10):
        with time_machine.travel(start + datetime.timedelta(minutes=2 * minute)):
            send(ip=f"10.0.1.{minute}")
    with time_machine.travel(start + datetime.timedelta(minutes=30)):
        assert refusal(lambda: send(ip="10.0.2.1")) == "daily_limit"
    with time_machine.travel(start + datetime.timedelta(days=1, minutes=1)):
        send(ip="10.0.2.1")


def test_an_ip_has_a_daily_cap_across_phones(sms_outbox, settings):
    settings.OTP_DAILY_LIMIT_PER_IP = 3
    for n in range(3):
        send(phone=f"1391234560{n}")
    assert refusal(lambda: send(phone="13912345609")) == "ip_limit"
    assert len(sms_outbox) == 3
