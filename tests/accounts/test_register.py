"""注册学信网账号: captcha before SMS, the model's rules, one ID one account."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from accounts import forms, otp
from accounts.models import IdentityClaim, User
from accounts.views.registration import ERR_ID_UNDER_REVIEW
from records import identity
from records.synthetic import resident_id
from tests.accounts.conftest import captcha_answer, last_code

pytestmark = pytest.mark.django_db

URL = "/account/register/"
PHONE = "13912340000"
PASSWORD = "a long pass phrase 77"


def send_code(client, phone: str = PHONE):
    page = client.get(URL).content.decode()
    return client.post(URL, {"action": "send_code", "phone": phone, **captcha_answer(page)})


def registration(code: str, **overrides: str) -> dict[str, str]:
    data = {
        "action": "register",
        "phone": PHONE,
        "sms_code": code,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "real_name": "新同学",
        "id_type": "resident_id",
        "id_number": resident_id("320102", datetime.date(2001, 4, 5), 33),
        "email": "",
        "agree": "on",
    }
    data.update(overrides)
    return data


def register(client, sms_outbox, **overrides: str):
    send_code(client, overrides.get("phone", PHONE))
    return client.post(URL, registration(last_code(sms_outbox), **overrides))


def same_page(first, second, *typed: str) -> bool:
    """Two answers are the same page once what differs by nature is blanked out: the tokens,
    the captcha, the running countdown and the values the visitor typed in."""
    return normalised(first, *typed) == normalised(second, *typed)


def normalised(response, *typed: str) -> tuple[int, str]:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r"[0-9a-f]{40}", "KEY", html)  # captcha keys and image URLs
    html = re.sub(r'nonce="[^"]+"', "", html)
    # The resend countdown runs on the clock, the same for everyone.
    html = re.sub(r'data-resend-after="\d+"', "", html)
    html = re.sub(r"请 \d+ 秒后再试", "请 N 秒后再试", html)
    for value in typed:
        html = html.replace(value, "TYPED")
    return response.status_code, html


def errors(response, field: str) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def test_the_page_shows_the_fields_in_the_real_order(client):
    html = client.get(URL).content.decode()
    order = ["phone", "captcha_1", "sms_code", "password1", "password2", "real_name", "id_type",
             "id_number", "email", "agree"]  # fmt: skip
    positions = [html.index(f'name="{name}"') for name in order]
    assert positions == sorted(positions)


def test_no_sms_is_sent_without_the_right_captcha(client, sms_outbox):
    client.get(URL)
    response = client.post(
        URL, {"action": "send_code", "phone": PHONE, "captcha_0": "x" * 40, "captcha_1": "ABCD"}
    )
    assert sms_outbox == []
    assert str(forms.ERR_CAPTCHA) in response.content.decode()


def test_a_correct_captcha_sends_the_code_and_starts_the_countdown(client, sms_outbox):
    response = send_code(client)
    assert [m.phone for m in sms_outbox] == [PHONE]
    assert 'data-resend-after="60"' in response.content.decode()


def test_a_good_registration_logs_in_and_shows_the_success_page(client, sms_outbox):
    response = register(client, sms_outbox)
    assert response["Location"] == reverse("accounts:register-done")
    assert "账号注册成功" in client.get(response["Location"]).content.decode()


def test_the_account_binds_to_the_person_with_the_same_name_and_id(client, sms_outbox, people):
    zhang = people["张测试"]
    register(client, sms_outbox, real_name="张测试", id_number=zhang.id_number)
    assert User.objects.get(phone=PHONE).person == zhang


def test_the_same_id_with_another_name_binds_nothing(client, sms_outbox, people):
    zhang = people["张测试"]
    register(client, sms_outbox, real_name="张冒充", id_number=zhang.id_number)
    assert User.objects.get(phone=PHONE).person is None


def test_a_registration_does_not_open_the_archive_by_itself(client, sms_outbox, people):
    zhang = people["张测试"]
    register(client, sms_outbox, real_name="张测试", id_number=zhang.id_number)
    assert client.get("/archive/")["Location"] == reverse("accounts:identity-check")


def test_a_wrong_sms_code_is_refused(client, sms_outbox):
    send_code(client)
    code = last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(URL, registration(wrong))
    assert errors(response, "sms_code") == [str(otp.ERR_CODE_WRONG % {"left": 4})]
    assert not User.objects.exists()


def test_a_bad_id_number_gets_the_model_rule_message(client, sms_outbox):
    good = resident_id("320102", datetime.date(2001, 4, 5), 33)
    bad = good[:17] + ("1" if good[17] != "1" else "2")
    response = register(client, sms_outbox, id_number=bad)
    assert errors(response, "id_number") == [str(identity.ERR_CHECK_CHARACTER)]


def test_a_lowercase_x_is_normalised(client, sms_outbox):
    register(client, sms_outbox, id_number="11010519900307048x", real_name="王女士")
    assert User.objects.get(phone=PHONE).id_number == "11010519900307048X"


def test_a_name_with_an_emoji_is_refused(client, sms_outbox):
    response = register(client, sms_outbox, real_name="新同学😀")
    assert errors(response, "real_name") == [str(identity.ERR_NAME_EMOJI)]


def test_passwords_must_match(client, sms_outbox):
    response = register(client, sms_outbox, password2=PASSWORD + "x")
    assert errors(response, "password2") == [str(forms.ERR_PASSWORDS_DIFFER)]


def test_a_password_with_the_phone_number_is_refused(client, sms_outbox):
    response = register(client, sms_outbox, password1=f"pw{PHONE}", password2=f"pw{PHONE}")
    assert "手机号或证件号码" in " ".join(errors(response, "password1"))


def test_a_common_password_is_refused(client, sms_outbox):
    response = register(client, sms_outbox, password1="password123", password2="password123")
    assert errors(response, "password1")
    assert not User.objects.exists()


def test_a_short_password_is_refused_but_no_composition_rule_applies(client, sms_outbox):
    assert errors(register(client, sms_outbox, password1="短密码", password2="短密码"), "password1")
    ok = "只有汉字的很长的密码短语也可以"
    client.post(URL, registration(last_code(sms_outbox), password1=ok, password2=ok))
    assert User.objects.filter(phone=PHONE).exists()


def test_the_terms_must_be_accepted(client, sms_outbox):
    response = register(client, sms_outbox, agree="")
    assert errors(response, "agree") == [str(forms.ERR_AGREE)]


def test_a_bound_phone_gets_a_note_instead_of_a_code_and_the_page_says_the_same(
    client, student, sms_outbox
):
    bound = send_code(client, student.phone)
    client.cookies.clear()
    free = send_code(client, PHONE)
    assert [m.phone for m in sms_outbox] == [student.phone, PHONE]
    assert not re.search(r"\d{6}", sms_outbox[0].text)
    assert reverse("accounts:recover-password") not in bound.content.decode()
    assert same_page(bound, free, student.phone, PHONE)


def test_once_the_code_is_right_a_taken_phone_is_said(client, sms_outbox, student):
    send_code(client)
    code = last_code(sms_outbox)
    User.objects.filter(pk=student.pk).update(phone=PHONE)  # taken meanwhile
    html = client.post(URL, registration(code)).content.decode()
    assert str(forms.ERR_PHONE_TAKEN) in html
    assert reverse("accounts:recover-password") in html


# --- One ID, one account ------------------------------------------------------------------


def test_a_taken_id_shows_the_way_out_once_the_code_is_right(client, sms_outbox, student):
    response = register(client, sms_outbox, real_name="张测试", id_number=student.id_number)
    html = response.content.decode()
    assert response.context["id_taken"] is True
    assert reverse("accounts:recover-username") in html
    assert 'value="re_register"' in html


def test_re_registering_needs_no_second_code(client, sms_outbox, student):
    data = registration("", real_name="张测试", id_number=student.id_number)
    register(client, sms_outbox, real_name="张测试", id_number=student.id_number)
    client.post(URL, {**data, "action": "re_register"})
    assert User.objects.get(phone=PHONE).identity_disputed


def test_re_registering_creates_a_disputed_account_and_tells_the_owner(
    client, sms_outbox, student, django_capture_on_commit_callbacks
):
    send_code(client)
    data = registration(last_code(sms_outbox), real_name="张测试", id_number=student.id_number)
    client.post(URL, data)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**data, "action": "re_register"})
    created = User.objects.get(phone=PHONE)
    assert created.identity_disputed
    assert created.person is None
    assert sms_outbox[-1].phone == student.phone


def test_a_disputed_account_is_sent_to_its_claim(client, sms_outbox, student):
    send_code(client)
    data = registration(last_code(sms_outbox), real_name="张测试", id_number=student.id_number)
    client.post(URL, {**data, "action": "re_register"})
    assert client.get("/archive/")["Location"] == reverse("accounts:claim")


def test_a_pending_claim_blocks_a_third_registration(client, sms_outbox, student):
    disputed = User.objects.create_user(
        "13912349999", "x" * 12, real_name="张测试", id_type=student.id_type,
        id_number=student.id_number, identity_disputed=True,
    )  # fmt: skip
    IdentityClaim.objects.create(
        claimant=disputed, competing_account=student, kind="duplicate_id", method="id_photos",
        id_type=student.id_type, id_number=student.id_number,
    )  # fmt: skip
    send_code(client)
    data = registration(last_code(sms_outbox), real_name="张测试", id_number=student.id_number)
    response = client.post(URL, {**data, "action": "re_register"})
    assert errors(response, "id_number") == [str(ERR_ID_UNDER_REVIEW)]
    assert not User.objects.filter(phone=PHONE).exists()


def test_the_database_refuses_two_active_undisputed_accounts_for_one_id(student):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        User.objects.create_user(
            "13912348888", "x" * 12, id_type=student.id_type, id_number=student.id_number
        )


def test_the_page_is_translated(client):
    client.cookies["django_language"] = "en"
    html = client.get(URL).content.decode()
    assert "Register" in html
    assert "立即注册" not in html
