"""The site's decentralised identifier (did:web) and its DID document.

The DID is derived from ``XUEXIN_SITE_URL``, the address the site is reached at: its host,
with a port written as ``%3A`` (did:web), so ``https://xuexin.example.org`` is
``did:web:xuexin.example.org`` and the demo's ``http://127.0.0.1:8000`` is
``did:web:127.0.0.1%3A8000``. A did:web resolver reads ``https://<host>/.well-known/did.json``;
the document there names the report signing key (the one in /.well-known/jwks.json) as the
site's assertion method, under the key's JWK thumbprint.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import cast
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from . import signing

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def available() -> bool:
    """Whether the site knows its own address (an origin), without which it has no DID: the
    DID document, the status lists and the credential downloads answer 404 then."""
    return bool(settings.SITE_URL) and urlsplit(settings.SITE_URL).path in {"", "/"}


def site_did() -> str:
    parts = urlsplit(settings.SITE_URL)
    if not parts.hostname:
        raise ImproperlyConfigured("XUEXIN_SITE_URL must be set for the site's DID")
    if parts.path not in {"", "/"}:
        # did:web puts a path's document at <path>/did.json, which this site does not serve.
        raise ImproperlyConfigured("XUEXIN_SITE_URL must be an origin, without a path")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    port = f":{parts.port}" if parts.port else ""
    return "did:web:" + quote(host + port, safe="")


def verification_method() -> str:
    return f"{site_did()}#{signing.key_id(signing.private_key().public_key())}"


def did_document() -> dict[str, object]:
    did, method = site_did(), verification_method()
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": signing.public_multibase(),
            }
        ],
        "assertionMethod": [method],
    }


def public_key_for(method: str, document: dict[str, object]):
    """The Ed25519 key ``document`` lists under ``method`` for assertions, or None."""
    # Parsed JSON: lists in a well-formed document; any other shape is tested as it comes.
    if method not in cast("Collection[object]", document.get("assertionMethod") or []):
        return None
    for entry in cast("Collection[object]", document.get("verificationMethod") or []):
        if isinstance(entry, dict) and entry.get("id") == method:
            try:
                return signing.public_key_from_multibase(str(entry.get("publicKeyMultibase")))
            except ValueError:
                return None
    return None
