"""A report as a W3C Verifiable Credential (VC Data Model 2.0), and its revocation status lists.

The credential carries the report's signed data (``build_payload``: the same fields, with the
ones the holder hid left out, never read) as its ``credentialSubject``, the report's (or the
recipient code's) validity as ``validFrom``/``validUntil``, a ``BitstringStatusListEntry``
that reads as revoked once the report or code is closed, and a Data Integrity proof
(``eddsa-jcs-2022``) by the report signing key, which the site's DID document names
(``verification.did``). Built on request from the stored data, so the same report gives the
same bytes until it is extended or its code's validity changes.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from . import dataintegrity, did, statuslist
from .models import RecipientCode, VerificationReport

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
# The report's own terms (name, school, major…; kind, hidden…) in one vocabulary, named by a
# URN so that no address of a real site is implied. The credential names it through a small
# context document the site serves (``report_context``), by address: a proof's copy of an
# inline context object would not compare equal to the credential's in every verifier.
VOCABULARY = "urn:xuexin-sim:report:"
REPORT_CONTEXT = {"@context": {"@version": 1.1, "@vocab": VOCABULARY}}
CREDENTIAL_TYPE = "XuexinSimulatedReportCredential"
NAME = "在线验证报告（仿真）/ Online verification report (SIMULATION)"
DESCRIPTION = (
    "由学信网仿真系统签发，仅供培训和测试，不是学信网的真实报告。/ "
    "Issued by a simulation of the 学信网 student-record portal, for training and testing "
    "only; not a real report."
)
STATUS_LIST_VALIDITY = datetime.timedelta(hours=1)
MEDIA_TYPE = "application/vc"

# Members of the signed report data that the credential carries in its own terms: the issuer
# (``issuer``), the validity (``validUntil``) and the record (spread into the subject).
_CARRIED_BY_THE_CREDENTIAL = {"issuer", "valid_until", "subject"}


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def context() -> list[str]:
    return [CREDENTIALS_V2, site_url(reverse("verification:credential-context"))]


def status_list_url(kind: str, number: int) -> str:
    return site_url(reverse("verification:status-list", args=[kind, number]))


def _end_of_day(day: str) -> str:
    """The last second of a validity's last day, in the site's time zone."""
    last = datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(23, 59, 59), timezone.get_default_timezone()
    )
    return last.isoformat()


def _status_entry(row: VerificationReport | RecipientCode) -> dict[str, str]:
    position = statuslist.Position.of(statuslist.LIST_OF_MODEL[type(row)], row.status_index)
    url = status_list_url(position.kind, position.number)
    return {
        "id": f"{url}#{position.bit}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(position.bit),
        "statusListCredential": url,
    }


def report_credential(
    report: VerificationReport, recipient: RecipientCode | None = None
) -> dict[str, object]:
    """The signed credential of a report, or of one of its recipient codes (its label, its
    validity, its own status entry)."""
    row: VerificationReport | RecipientCode = recipient or report
    data = row.signed_payload
    subject = {
        **{name: value for name, value in data.items() if name not in _CARRIED_BY_THE_CREDENTIAL},
        # The subject of a signed payload is a JSON object (services.report_issue writes it).
        **cast("dict[str, object]", data["subject"]),
    }
    credential: dict[str, object] = {
        "@context": context(),
        "id": f"urn:uuid:{row.public_id}",
        "type": ["VerifiableCredential", CREDENTIAL_TYPE],
        "name": NAME,
        "description": DESCRIPTION,
        "issuer": {"id": did.site_did(), "name": data["issuer"]},
        "validFrom": dataintegrity.timestamp(row.created_at),
        "validUntil": _end_of_day(str(data["valid_until"])),
        "credentialSubject": subject,
        "credentialStatus": _status_entry(row),
    }
    # Signed as of the data's last signing: a repeated download gives the same bytes.
    signed_at = max(report.updated_at, recipient.updated_at) if recipient else report.updated_at
    return dataintegrity.add_proof(
        credential, verification_method=did.verification_method(), created=signed_at
    )


def status_list_credential(kind: str, number: int) -> dict[str, object]:
    """The signed ``BitstringStatusListCredential`` of list ``number``, as of now."""
    url = status_list_url(kind, number)
    now = timezone.now()
    credential: dict[str, object] = {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "name": "撤销状态列表（仿真）/ Revocation status list (SIMULATION)",
        "issuer": did.site_did(),
        "validFrom": dataintegrity.timestamp(now),
        # Read again after an hour at the latest: closing a report must show soon.
        "validUntil": dataintegrity.timestamp(now + STATUS_LIST_VALIDITY),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": statuslist.encoded_list(kind, number),
        },
    }
    return dataintegrity.add_proof(
        credential, verification_method=did.verification_method(), created=now
    )
