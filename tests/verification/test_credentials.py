"""Reports as W3C verifiable credentials: what they carry, the DID document, the status lists,
the downloads. (Checked with the open-source VC library in test_credential_library.py.)"""

from __future__ import annotations

import copy
import datetime
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.verification.test_chosen_fields import assert_none_in
from verification import credentials, dataintegrity, did, recipients, services, signing, statuslist
from verification.models import VerificationReport
from xuexin import throttle

pytestmark = pytest.mark.django_db

SITE = "https://xuexin.example.test"


@pytest.fixture(autouse=True)
def site(settings) -> None:
    settings.SITE_URL = SITE


def credential_of(client, code: str) -> dict:
    response = client.get(f"/verify/{code}/credential.json")
    assert response.status_code == 200
    return json.loads(response.content)


def status_bits(client, entry: dict) -> bytes:
    listed = json.loads(client.get(entry["statusListCredential"].removeprefix(SITE)).content)
    return statuslist.decode(listed["credentialSubject"]["encodedList"])


def revoked(client, credential: dict) -> bool:
    entry = credential["credentialStatus"]
    return statuslist.bit_is_set(status_bits(client, entry), int(entry["statusListIndex"]))


# --- what the credential says -----------------------------------------------------------------


def test_it_carries_the_reports_signed_fields(client, report):
    credential = credential_of(client, report.code)
    subject = credential["credentialSubject"]
    assert {k: subject[k] for k in report.payload["subject"]} == report.payload["subject"]
    assert subject["code"] == report.code
    assert subject["kind"] == "xueji"


def test_it_is_a_vcdm_2_credential_issued_by_the_sites_did(client, report):
    credential = credential_of(client, report.code)
    assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert credential["issuer"]["id"] == "did:web:xuexin.example.test"
    assert credential["type"] == ["VerifiableCredential", credentials.CREDENTIAL_TYPE]


def test_it_says_it_comes_from_a_simulation(client, report):
    credential = credential_of(client, report.code)
    assert "SIMULATION" in credential["name"]
    assert "仿真" in credential["description"]
    assert credential["credentialSubject"]["simulation"] is True


def test_its_validity_is_the_reports(client, report):
    credential = credential_of(client, report.code)
    assert credential["validUntil"] == f"{report.valid_until.isoformat()}T23:59:59+08:00"
    assert credential["validFrom"] == dataintegrity.timestamp(report.created_at)


def test_its_status_entry_points_at_the_reports_list(client, report):
    entry = credential_of(client, report.code)["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"] == f"{SITE}/credentials/status/reports/1"
    assert entry["statusListIndex"] == str(report.status_index)


def test_hidden_fields_are_absent_from_the_credential(client, student, master, people):
    report = services.report_issue(
        owner=student, record=master, show_photo=False, hidden_fields=services.HIDEABLE_FIELDS
    )
    body = client.get(f"/verify/{report.code}/credential.json").content.decode()
    assert_none_in(body, people["张测试"])
    subject = json.loads(body)["credentialSubject"]
    assert not set(services.HIDEABLE_FIELDS) & set(subject)
    assert subject["hidden"] == ["birth_date", "ethnicity", "id_number", "photo"]


def test_two_downloads_give_the_same_bytes(client, report):
    first = client.get(f"/verify/{report.code}/credential.json").content
    assert client.get(f"/verify/{report.code}/credential.json").content == first


def test_the_proof_verifies_with_the_key_the_did_document_names(client, report):
    credential = credential_of(client, report.code)
    document = client.get("/.well-known/did.json").json()
    key = did.public_key_for(credential["proof"]["verificationMethod"], document)
    assert key is not None
    assert dataintegrity.verify_proof(credential, key)


def test_one_changed_byte_of_a_field_breaks_the_proof(client, report):
    credential = credential_of(client, report.code)
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["major"] = tampered["credentialSubject"]["major"][:-1] + "学"
    key = signing.private_key().public_key()
    assert dataintegrity.verify_proof(credential, key)
    assert not dataintegrity.verify_proof(tampered, key)


# --- recipient codes --------------------------------------------------------------------------


@pytest.fixture
def recipient(report):
    day = report.valid_until - datetime.timedelta(days=3)
    return recipients.recipient_issue(report=report, label="甲公司", valid_until=day)


def test_a_recipient_codes_credential_has_its_label_validity_and_status(client, report, recipient):
    credential = credential_of(client, recipient.code)
    assert credential["credentialSubject"]["recipient"] == "甲公司"
    assert credential["validUntil"].startswith(recipient.valid_until.isoformat())
    assert credential["credentialStatus"]["statusListCredential"].endswith("/recipients/1")
    assert credential["credentialStatus"]["statusListIndex"] == str(recipient.status_index)


def test_closing_a_recipient_code_revokes_its_credential_only(client, report, recipient):
    theirs, ours = credential_of(client, recipient.code), credential_of(client, report.code)
    recipients.recipient_close(recipient=recipient)
    assert revoked(client, theirs)
    assert not revoked(client, ours)


def test_closing_the_report_revokes_its_recipient_codes_too(client, report, recipient):
    theirs = credential_of(client, recipient.code)
    services.report_close(report=report, reason="已入职")
    assert revoked(client, theirs)


# --- the status lists -------------------------------------------------------------------------


def test_the_list_has_the_specs_minimum_length(client, report):
    entry = credential_of(client, report.code)["credentialStatus"]
    assert len(status_bits(client, entry)) * 8 >= 131_072


def test_the_bit_flips_when_the_report_is_closed(client, report):
    credential = credential_of(client, report.code)
    assert not revoked(client, credential)
    services.report_close(report=report, reason="已入职")
    assert revoked(client, credential)


def test_the_status_list_is_a_signed_credential_of_the_same_issuer(client, report):
    listed = json.loads(client.get("/credentials/status/reports/1").content)
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["issuer"] == "did:web:xuexin.example.test"
    assert dataintegrity.verify_proof(listed, signing.private_key().public_key())


def test_the_status_list_is_never_answered_unseen_from_a_cache(client, report):
    assert client.get("/credentials/status/reports/1")["Cache-Control"] == "no-cache"


def test_status_lists_are_throttled_per_address_with_the_time_left(client, report, settings):
    settings.STATUS_LIST_RATE = "2/m"
    for path in ("/credentials/status/reports/1", "/credentials/status/recipients/1"):
        assert client.get(path).status_code == 200
    refused = client.get("/credentials/status/reports/1")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    other_address = client.get("/credentials/status/reports/1", REMOTE_ADDR="198.51.100.7")
    assert other_address.status_code == 200


@pytest.mark.parametrize("rate", ["300 a minute", "300/1x", ""])
def test_a_status_list_rate_that_cannot_be_read_stops_start_up(settings, rate):
    settings.STATUS_LIST_RATE = rate
    with pytest.raises(ImproperlyConfigured, match="STATUS_LIST_RATE"):
        throttle.check_rates()


@pytest.mark.parametrize("path", ["/credentials/status/people/1", "/credentials/status/reports/0"])
def test_an_unknown_status_list_is_not_found(client, path):
    assert client.get(path).status_code == 404


def test_positions_are_unique_and_spread_over_the_list(student, master, other_student):
    for _ in range(3):
        services.report_issue(owner=student, record=master)
    positions = list(VerificationReport.objects.values_list("status_index", flat=True))
    assert len(set(positions)) == 3
    assert all(0 <= p < statuslist.LIST_LENGTH for p in positions)


def test_a_full_list_moves_on_to_the_next(monkeypatch, student, master):
    monkeypatch.setattr(statuslist, "LIST_LENGTH", 1)
    first = services.report_issue(owner=student, record=master)
    second = services.report_issue(owner=student, record=master)
    assert (first.status_index, second.status_index) == (0, 1)


def test_the_encoding_puts_bit_zero_leftmost():
    raw = statuslist.decode(statuslist.encode([0, 9]))
    assert raw[:2] == bytes([0b1000_0000, 0b0100_0000])


# --- the DID document -------------------------------------------------------------------------


def test_the_did_document_names_the_signing_key_for_assertions(client):
    document = client.get("/.well-known/did.json").json()
    method = document["verificationMethod"][0]
    assert document["id"] == method["controller"] == "did:web:xuexin.example.test"
    assert document["assertionMethod"] == [method["id"]]
    assert method["id"] == f"did:web:xuexin.example.test#{signing.public_jwk()['kid']}"


def test_the_did_document_holds_the_same_key_as_the_jwks(client):
    method = client.get("/.well-known/did.json").json()["verificationMethod"][0]
    key = signing.public_key_from_multibase(method["publicKeyMultibase"])
    assert signing.public_jwk(key) == client.get("/.well-known/jwks.json").json()["keys"][0]


def test_a_port_is_written_as_percent_3a(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert did.site_did() == "did:web:127.0.0.1%3A8000"


def test_without_a_site_address_there_is_no_did_and_no_credential(settings, client, report):
    settings.SITE_URL = ""
    assert client.get("/.well-known/did.json").status_code == 404
    assert client.get(f"/verify/{report.code}/credential.json").status_code == 404


# --- downloads --------------------------------------------------------------------------------


def test_the_owner_downloads_the_credential_from_the_report_page(student_client, report):
    page = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    url = f"/archive/reports/{report.public_id}/credential.json"
    assert url in page
    assert "下载可验证凭证 (VC)" in page
    response = student_client.get(url)
    assert (
        response["Content-Type"] == "application/vc"
        and "attachment" in response["Content-Disposition"]
    )


def test_the_owner_downloads_a_recipient_codes_credential(student_client, report, recipient):
    url = f"/archive/reports/{report.public_id}/recipients/{recipient.public_id}/credential.json"
    credential = json.loads(student_client.get(url).content)
    assert credential["credentialSubject"]["code"] == recipient.code


def test_another_students_report_is_not_found(other_student_client, report):
    url = f"/archive/reports/{report.public_id}/credential.json"
    assert other_student_client.get(url).status_code == 404


def test_the_download_is_get_only(student_client, report):
    url = f"/archive/reports/{report.public_id}/credential.json"
    assert student_client.post(url).status_code == 405


def test_the_public_page_links_the_credential(client, report):
    page = client.get(f"/verify/{report.code}/").content.decode()
    assert f"/verify/{report.code}/credential.json" in page


def test_the_english_page_offers_the_credential_in_english(client, report):
    page = client.get(f"/verify/{report.code}/?lang=en").content.decode()
    assert "Download verifiable credential" in page


def test_a_closed_reports_credential_gets_the_generic_answer(client, report):
    services.report_close(report=report, reason="已入职")
    response = client.get(f"/verify/{report.code}/credential.json")
    assert response.status_code == 404
    assert response["Cache-Control"] == "no-store"


def test_a_public_download_is_a_lookup_in_the_log(client, report):
    client.get(f"/verify/{report.code}/credential.json")
    assert report.events.filter(outcome="shown").count() == 1
