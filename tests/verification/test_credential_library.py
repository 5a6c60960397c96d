"""The report's verifiable credential checked by an open-source VC library: Digital Bazaar's
@digitalbazaar/vc with the eddsa-jcs-2022 cryptosuite and the Bitstring Status List library
(tools/vc-check), run as a real Node process against the live test server, which serves the
DID document and the status lists (nothing else is fetched)."""

from __future__ import annotations

import json

import pytest

from tests import vccheck
from verification import recipients, services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checker() -> list[str]:
    found = vccheck.command()
    if found is None:
        if vccheck.required():
            pytest.fail(vccheck.HOW_TO_ENABLE, pytrace=False)
        pytest.skip(vccheck.HOW_TO_ENABLE)
    return found


@pytest.fixture(autouse=True)
def site(settings, live_server) -> str:
    """The live test server is the site: its DID is did:web:localhost%3A<port>."""
    settings.SITE_URL = live_server.url
    return live_server.url


def download(client, code: str, tmp_path, change=None):
    response = client.get(f"/verify/{code}/credential.json")
    assert response.status_code == 200
    path = tmp_path / f"{code}.json"
    if change is None:
        path.write_bytes(response.content)
    else:
        credential = json.loads(response.content)
        change(credential)
        path.write_text(json.dumps(credential, ensure_ascii=False))
    return path


def test_the_library_verifies_a_downloaded_credential(checker, client, report, tmp_path):
    verdict = vccheck.run(checker, download(client, report.code, tmp_path))
    assert verdict["verified"] is True, verdict["error"]
    assert verdict["exit"] == 0
    assert verdict["issuer"].startswith("did:web:localhost%3A")


def test_one_changed_byte_of_a_subject_field_fails(checker, client, report, tmp_path):
    def tamper(credential):
        # 张测试 → 张测谁: the last character's final UTF-8 byte changed by one.
        name = credential["credentialSubject"]["name"]
        credential["credentialSubject"]["name"] = name[:-1] + chr(ord(name[-1]) + 1)

    verdict = vccheck.run(checker, download(client, report.code, tmp_path, tamper))
    assert verdict["verified"] is False
    assert verdict["exit"] == 1
    assert "signature" in verdict["error"].lower()


def test_a_closed_report_reads_as_revoked(checker, client, report, tmp_path):
    saved = download(client, report.code, tmp_path)
    services.report_close(report=report, reason="已入职")
    verdict = vccheck.run(checker, saved)
    assert verdict["verified"] is False
    assert verdict["revoked"] is True


def test_a_closed_recipient_code_reads_as_revoked_while_the_report_holds(
    checker, client, report, tmp_path
):
    recipient = recipients.recipient_issue(
        report=report, label="甲公司", valid_until=report.valid_until
    )
    theirs = download(client, recipient.code, tmp_path)
    ours = download(client, report.code, tmp_path)
    assert vccheck.run(checker, theirs)["verified"] is True
    recipients.recipient_close(recipient=recipient)
    assert vccheck.run(checker, theirs)["revoked"] is True
    assert vccheck.run(checker, ours)["verified"] is True
