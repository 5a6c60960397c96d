"""Staff pass a TOTP step before any admin page; students never see it (accounts.twofactor)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.views.twofactor import ERR_WRONG_CODE
from tests.twofactor import confirmed_device, current_code

pytestmark = pytest.mark.django_db

SETUP = "/account/staff/2fa/setup/"
VERIFY = "/account/staff/2fa/"
PASSWORD = "correct horse battery 9"


@pytest.fixture
def password_only(client, registrar_a):
    """A registrar who typed phone and password in the admin login, and nothing more."""
    response = client.post(
        "/admin/login/?next=/admin/records/person/",
        {"username": registrar_a.phone, "password": PASSWORD, "next": "/admin/records/person/"},
    )
    assert response.status_code == 302
    return client


def test_an_admin_page_without_a_device_redirects_to_enrolment(password_only):
    response = password_only.get("/admin/records/person/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert "next=%2Fadmin%2Frecords%2Fperson%2F" in response["Location"]


def test_an_admin_page_without_the_code_redirects_to_the_code_page(password_only, registrar_a):
    confirmed_device(registrar_a)
    response = password_only.get("/admin/")
    assert response["Location"].startswith(VERIFY)


def test_every_admin_url_is_guarded_not_only_the_index(password_only, people):
    pk = people["张测试"].pk
    for url in (
        f"/admin/records/person/{pk}/change/",
        f"/admin/records/person/{pk}/history/",
        "/admin/autocomplete/?app_label=records&model_name=enrollment&field_name=person",
    ):
        assert password_only.get(url).status_code == 302, url  # fmt: skip


def test_the_enrolment_page_draws_the_qr_code_itself(password_only):
    html = password_only.get(SETUP).content.decode()
    assert "<svg" in html
    assert not re.search(r'src="https?://', html)


def test_a_correct_code_confirms_the_device_and_opens_the_admin(password_only, registrar_a):
    password_only.get(SETUP)
    device = TOTPDevice.objects.get(user=registrar_a)
    response = password_only.post(
        SETUP,
        {"password": PASSWORD, "token": current_code(device), "next": "/admin/records/person/"},
    )
    assert response["Location"] == "/admin/records/person/"
    assert password_only.get("/admin/records/person/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_a_wrong_code_does_not_confirm_the_device(password_only, registrar_a):
    password_only.get(SETUP)
    device = TOTPDevice.objects.get(user=registrar_a)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = password_only.post(SETUP, {"password": PASSWORD, "token": wrong})
    assert str(ERR_WRONG_CODE) in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_enrolling_an_authenticator_needs_the_password_again(password_only, registrar_a):
    password_only.get(SETUP)
    device = TOTPDevice.objects.get(user=registrar_a)
    response = password_only.post(SETUP, {"password": "wrong", "token": current_code(device)})
    device.refresh_from_db()
    assert response.status_code == 200
    assert not device.confirmed


def test_a_new_authenticator_is_told_to_the_account(
    password_only, registrar_a, django_capture_on_commit_callbacks
):
    from accounts import sms

    password_only.get(SETUP)
    device = TOTPDevice.objects.get(user=registrar_a)
    with django_capture_on_commit_callbacks(execute=True):
        password_only.post(SETUP, {"password": PASSWORD, "token": current_code(device)})
    assert [m.phone for m in sms.outbox] == [registrar_a.phone]


def test_the_current_code_opens_the_admin(password_only, registrar_a):
    device = confirmed_device(registrar_a)
    response = password_only.post(VERIFY, {"token": current_code(device), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert password_only.get("/admin/").status_code == 200


def test_a_password_alone_cannot_enrol_a_second_device(password_only, registrar_a):
    confirmed_device(registrar_a)
    response = password_only.get(SETUP)
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=registrar_a).count() == 1


def test_an_outside_next_address_is_ignored(password_only, registrar_a):
    device = confirmed_device(registrar_a)
    response = password_only.post(
        VERIFY, {"token": current_code(device), "next": "https://x.test/"}
    )
    assert response["Location"] == "/admin/"


def test_students_never_see_the_totp_step(student_client):
    assert student_client.get(reverse("records:archive-home")).status_code == 200
    assert student_client.get(VERIFY).status_code == 404
    assert student_client.get(SETUP).status_code == 404


def test_admin_login_itself_is_not_guarded(password_only):
    assert password_only.get("/admin/login/").status_code in (200, 302)
    assert password_only.post("/admin/logout/")["Location"] == "/"
