"""`check --deploy` fails on the demo outbox, a console SMS backend, a missing code key and a
missing or path-bearing site address."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.test_production import deploy_check, production_env


@pytest.fixture(scope="module")
def signing_key() -> str:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip


def check(signing_key: str, **extra: str) -> tuple[int, str]:
    result = deploy_check(production_env(XUEXIN_REPORT_SIGNING_KEY=signing_key, **extra))
    return result.returncode, result.stdout + result.stderr


def test_the_demo_outbox_with_debug_off_fails(signing_key):
    code, output = check(signing_key, XUEXIN_DEMO_OUTBOX="true")
    assert code != 0
    assert "accounts.E001" in output


@pytest.mark.parametrize("backend", ["accounts.sms.ConsoleBackend", "accounts.sms.DatabaseBackend"])
def test_an_sms_backend_that_reaches_no_phone_fails(signing_key, backend):
    code, output = check(signing_key, XUEXIN_SMS_BACKEND=backend)
    assert code != 0
    assert "accounts.E002" in output


def test_the_default_production_sms_backend_needs_its_gateway(signing_key):
    env = production_env(XUEXIN_REPORT_SIGNING_KEY=signing_key)
    del env["XUEXIN_SMS_GATEWAY_URL"]
    result = deploy_check(env)
    assert result.returncode != 0
    assert "accounts.E003" in result.stdout + result.stderr


def test_the_demo_email_outbox_fails(signing_key):
    code, output = check(signing_key, XUEXIN_EMAIL_BACKEND="accounts.mail.DatabaseEmailBackend")
    assert code != 0
    assert "accounts.E004" in output


def test_a_missing_report_code_key_fails(signing_key):
    env = production_env(XUEXIN_REPORT_SIGNING_KEY=signing_key)
    del env["XUEXIN_REPORT_CODE_KEY"]
    result = deploy_check(env)
    assert result.returncode != 0
    assert "verification.E002" in result.stdout + result.stderr


@pytest.mark.parametrize("site_url", [None, "https://xuexin-sim.example/portal"])
def test_a_missing_or_path_bearing_site_url_fails(signing_key, site_url):
    env = production_env(XUEXIN_REPORT_SIGNING_KEY=signing_key)
    if site_url is None:
        del env["XUEXIN_SITE_URL"]
    else:
        env["XUEXIN_SITE_URL"] = site_url
    result = deploy_check(env)
    assert result.returncode != 0
    assert "verification.W001" in result.stdout + result.stderr
