"""``manage.py verify_report credential.json``: proof, validity and status, each said."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from verification import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings) -> None:
    settings.SITE_URL = "https://xuexin.example.test"


def saved(client, report, tmp_path, change=None):
    credential = json.loads(client.get(f"/verify/{report.code}/credential.json").content)
    if change:
        change(credential)
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential, ensure_ascii=False))
    return path


def verify(path, *args: str) -> str:
    out = StringIO()
    call_command("verify_report", str(path), *args, stdout=out)
    return out.getvalue()


def test_it_accepts_a_credential(client, report, tmp_path):
    out = verify(saved(client, report, tmp_path))
    assert "proof: valid (eddsa-jcs-2022" in out
    assert "status: not revoked" in out
    assert f"VALID: credential urn:uuid:{report.public_id}" in out


def test_it_rejects_a_tampered_credential(client, report, tmp_path):
    def tamper(credential):
        credential["credentialSubject"]["major"] = "金融学"

    out = StringIO()
    with pytest.raises(CommandError, match="fails its proof check"):
        call_command("verify_report", str(saved(client, report, tmp_path, tamper)), stdout=out)
    assert "proof: INVALID" in out.getvalue()


def test_it_rejects_a_later_validity(client, report, tmp_path):
    def extend(credential):
        credential["validUntil"] = "2099-12-31T23:59:59+08:00"

    with pytest.raises(CommandError, match="proof"):
        verify(saved(client, report, tmp_path, extend))


def test_it_says_a_closed_report_is_revoked(client, report, tmp_path):
    path = saved(client, report, tmp_path)
    services.report_close(report=report, reason="已入职")
    out = StringIO()
    with pytest.raises(CommandError, match="fails its status check"):
        call_command("verify_report", str(path), stdout=out)
    assert "status: REVOKED" in out.getvalue()


def test_it_says_an_expired_report_has_expired(client, report, tmp_path):
    path = saved(client, report, tmp_path)
    later = datetime.datetime.combine(report.valid_until, datetime.time(12)) + datetime.timedelta(1)
    out = StringIO()
    with time_machine.travel(later.astimezone(), tick=False):
        with pytest.raises(CommandError, match="fails its validity check"):
            call_command("verify_report", str(path), stdout=out)
    assert "validity: EXPIRED" in out.getvalue()


def test_it_checks_against_downloaded_did_and_status_list(client, report, tmp_path):
    did_file, list_file = tmp_path / "did.json", tmp_path / "status.json"
    did_file.write_bytes(client.get("/.well-known/did.json").content)
    list_file.write_bytes(client.get("/credentials/status/reports/1").content)
    out = verify(
        saved(client, report, tmp_path), "--did", str(did_file), "--status-list", str(list_file)
    )
    assert "from the status list given" in out
    assert "VALID" in out


def test_a_downloaded_status_list_shows_a_closing(client, report, tmp_path):
    path = saved(client, report, tmp_path)
    services.report_close(report=report, reason="已入职")
    list_file = tmp_path / "status.json"
    list_file.write_bytes(client.get("/credentials/status/reports/1").content)
    with pytest.raises(CommandError, match="status"):
        verify(path, "--status-list", str(list_file))


def test_a_forged_status_list_is_refused(client, report, tmp_path):
    path = saved(client, report, tmp_path)
    services.report_close(report=report, reason="已入职")
    listed = json.loads(client.get("/credentials/status/reports/1").content)
    clean = json.loads(client.get("/credentials/status/recipients/1").content)
    listed["credentialSubject"]["encodedList"] = clean["credentialSubject"]["encodedList"]
    list_file = tmp_path / "status.json"
    list_file.write_text(json.dumps(listed))
    out = StringIO()
    with pytest.raises(CommandError, match="status"):
        call_command("verify_report", str(path), "--status-list", str(list_file), stdout=out)
    assert "proof is INVALID" in out.getvalue()


def test_another_sites_did_document_is_refused(client, report, tmp_path, settings):
    path = saved(client, report, tmp_path)
    settings.SITE_URL = "https://elsewhere.example.test"
    with pytest.raises(CommandError, match="proof"):
        verify(path)
