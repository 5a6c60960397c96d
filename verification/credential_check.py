"""Checking a report credential in Python (``manage.py verify_report credential.json``).

Three checks, each reported on its own: the eddsa-jcs-2022 proof against the issuer's DID
document, the validity window, and the revocation status, read from a downloaded status list
credential (whose own proof is checked too) or, by default, from this portal's database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import timezone

from . import dataintegrity, did, statuslist


@dataclass(frozen=True)
class Check:
    name: str  # "proof", "validity" or "status"
    passed: bool
    detail: str


def _issuer_id(document: dict[str, object]) -> str:
    issuer = document.get("issuer")
    return str(issuer.get("id") if isinstance(issuer, dict) else issuer)


def check_proof(document: dict[str, object], did_document: dict[str, object]) -> Check:
    issuer = _issuer_id(document)
    proof = document.get("proof")
    method = str(proof.get("verificationMethod", "")) if isinstance(proof, dict) else ""
    if did_document.get("id") != issuer or not method.startswith(issuer + "#"):
        return Check(
            "proof", False, f"issuer {issuer} is not the DID document's {did_document.get('id')}"
        )
    key = did.public_key_for(method, did_document)
    if key is None:
        return Check("proof", False, f"{method} is not an assertion method of {issuer}")
    if not dataintegrity.verify_proof(document, key):
        return Check("proof", False, "INVALID: changed after signing, or signed by another key")
    return Check("proof", True, f"valid ({dataintegrity.CRYPTOSUITE}, {method})")


def _moment(value: object) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def check_validity(document: dict[str, object], now: datetime.datetime | None = None) -> Check:
    now = now or timezone.now()
    valid_from, valid_until = (
        _moment(document.get("validFrom")),
        _moment(document.get("validUntil")),
    )
    window = f"{document.get('validFrom')} to {document.get('validUntil')}"
    if valid_from is None or valid_until is None:
        return Check("validity", False, f"no valid validFrom/validUntil ({window})")
    if now < valid_from:
        return Check("validity", False, f"not valid yet ({window})")
    if now > valid_until:
        return Check("validity", False, f"EXPIRED ({window})")
    return Check("validity", True, f"in force ({window})")


def _bits_from_database(url: str) -> bytes | None:
    """The list at ``url`` as this site serves it, read from its database."""
    parts = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    if not settings.SITE_URL or (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "verification:status-list":
        return None
    kind, number = match.kwargs["kind"], match.kwargs["number"]
    if kind not in statuslist.KIND_OF_LIST:
        return None
    return statuslist.decode(statuslist.encoded_list(kind, number))


def check_status(
    document: dict[str, object],
    did_document: dict[str, object],
    status_list: dict[str, object] | None = None,
) -> Check:
    entry = document.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return Check("status", False, "no BitstringStatusListEntry")
    if entry.get("statusPurpose") != "revocation":
        return Check("status", False, f"unexpected status purpose {entry.get('statusPurpose')}")
    url = str(entry.get("statusListCredential"))
    try:
        index = int(str(entry.get("statusListIndex")))
    except ValueError:
        return Check("status", False, "statusListIndex is not a number")
    if status_list is None:
        raw = _bits_from_database(url)
        source = "this portal's database"
        if raw is None:
            return Check("status", False, f"{url} is not a status list of this portal")
    else:
        subject = status_list.get("credentialSubject")
        if status_list.get("id") != url or not isinstance(subject, dict):
            return Check("status", False, f"the status list given is not {url}")
        if _issuer_id(status_list) != _issuer_id(document):
            return Check("status", False, "the status list has another issuer")
        if not check_proof(status_list, did_document).passed:
            return Check("status", False, "the status list's proof is INVALID")
        if subject.get("statusPurpose") != "revocation":
            return Check("status", False, "the status list is not a revocation list")
        try:
            raw = statuslist.decode(str(subject.get("encodedList")))
        except (ValueError, OSError):
            return Check("status", False, "the status list cannot be decoded")
        source = "the status list given"
    if not 0 <= index < len(raw) * 8:
        return Check("status", False, f"index {index} is outside the list")
    where = f"{url}, index {index}, from {source}"
    if statuslist.bit_is_set(raw, index):
        return Check("status", False, f"REVOKED: the report or code was closed ({where})")
    return Check("status", True, f"not revoked ({where})")
