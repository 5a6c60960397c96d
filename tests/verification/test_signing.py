"""Signed reports: untouched data verifies; changed data or another key does not."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from verification import signing

pytestmark = pytest.mark.django_db


def test_the_signature_of_an_untouched_report_verifies(report):
    assert signing.verify(report.signed_payload, report.signature, signing.jwks())


def test_a_changed_field_fails_verification(report):
    tampered = copy.deepcopy(report.signed_payload)
    tampered["subject"]["major"] = "金融学"
    assert not signing.verify(tampered, report.signature, signing.jwks())


def test_a_later_validity_fails_verification(report):
    tampered = {**report.signed_payload, "valid_until": "2099-12-31"}
    assert not signing.verify(tampered, report.signature, signing.jwks())


def test_a_signature_by_another_key_fails(report):
    forged = signing.sign(report.payload, Ed25519PrivateKey.generate())
    assert not signing.verify(report.payload, forged, signing.jwks())


def test_garbage_signatures_fail_quietly(report):
    assert not signing.verify(report.payload, "not-a-jws", signing.jwks())


def test_the_public_key_is_published(client):
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert keys == [signing.public_jwk()]
    assert "d" not in keys[0]


def test_the_key_file_is_created_once_and_reused(settings):
    first = signing.public_jwk()
    signing.private_key.cache_clear()
    assert signing.public_jwk() == first
    assert settings.REPORT_SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600


def test_production_refuses_to_invent_a_key(settings):
    settings.DEBUG = False
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = False
    signing.private_key.cache_clear()
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        signing.private_key()


def saved(client, report, tmp_path, change=None):
    document = client.get(f"/api/v1/reports/{report.code}").json()
    if change:
        change(document)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    return path


def test_the_command_accepts_a_saved_report(client, report, tmp_path):
    out = StringIO()
    call_command("verify_report", str(saved(client, report, tmp_path)), stdout=out)
    assert "VALID" in out.getvalue()


def test_the_command_rejects_a_tampered_report(client, report, tmp_path):
    def tamper(document):
        document["data"]["subject"]["name"] = "李冒名"

    with pytest.raises(CommandError):
        call_command(
            "verify_report", str(saved(client, report, tmp_path, tamper)), stdout=StringIO()
        )


def test_the_command_can_check_against_a_downloaded_key_set(client, report, tmp_path):
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(client.get("/.well-known/jwks.json").json()))
    out = StringIO()
    call_command(
        "verify_report", str(saved(client, report, tmp_path)), "--jwks", str(keys), stdout=out
    )
    assert "VALID" in out.getvalue()
