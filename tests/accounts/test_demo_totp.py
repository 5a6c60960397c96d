"""The demo works without a phone app: fixed, printed TOTP secrets and `manage.py demo_totp`."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.demo import ADMIN, REGISTRAR, demo_device

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def seeded() -> str:
    out = StringIO()
    call_command("seed_demo", allow_demo_logins=True, stdout=out)
    return out.getvalue()


def test_seed_demo_prints_the_staff_totp_secrets(seeded):
    assert REGISTRAR.totp_secret in seeded
    assert ADMIN.totp_secret in seeded


def test_demo_staff_have_a_confirmed_device_with_the_printed_key(seeded):
    device = demo_device(REGISTRAR)
    assert device.confirmed
    assert device.key == REGISTRAR.totp_key


def test_demo_totp_prints_a_code_the_login_accepts(seeded, client, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("demo_totp", stdout=out)
    code = re.search(rf"{REGISTRAR.phone}\s+code (\d{{6}})", out.getvalue()).group(1)
    client.post("/admin/login/", {"username": REGISTRAR.phone, "password": REGISTRAR.password})
    response = client.post("/account/staff/2fa/", {"token": code, "next": "/admin/"})
    assert response["Location"] == "/admin/"


def test_demo_totp_refuses_to_run_without_debug(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_totp", stdout=StringIO())
