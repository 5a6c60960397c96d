"""W3C Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite (VC Data Integrity EdDSA).

The signed bytes are the SHA-256 of the proof options followed by the SHA-256 of the document
without its proof, each canonicalised with JCS (RFC 8785); the signature is Ed25519 by the
report signing key (``verification.signing``), written as base58btc multibase (``z…``). JCS
rather than RDF canonicalisation: the credential is checked as the JSON it is, without a
JSON-LD processor on either side.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import signing

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
PURPOSE = "assertionMethod"


def timestamp(moment: datetime.datetime) -> str:
    """An XSD dateTimeStamp in UTC, to the second."""
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    return (
        hashlib.sha256(rfc8785.dumps(options)).digest()
        + hashlib.sha256(rfc8785.dumps(document)).digest()
    )


def add_proof(
    document: dict[str, object],
    *,
    verification_method: str,
    created: datetime.datetime,
    key: Ed25519PrivateKey | None = None,
) -> dict[str, object]:
    """``document`` with a proof. The same document, method and time give the same bytes
    (Ed25519 signatures are deterministic), so a download can be repeated."""
    key = key or signing.private_key()
    options: dict[str, object] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": PURPOSE,
    }
    if "@context" in document:
        options = {"@context": document["@context"], **options}
    signature = key.sign(_hash_data(document, options))
    proof_value = "z" + base58.b58encode(signature).decode()
    return {**document, "proof": {**options, "proofValue": proof_value}}


def verify_proof(document: dict[str, object], public_key: Ed25519PublicKey) -> bool:
    """True only if ``document`` carries one eddsa-jcs-2022 assertion proof by ``public_key``
    over exactly its other members."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        return False
    if (
        proof.get("type") != PROOF_TYPE
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != PURPOSE
    ):
        return False
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    if "@context" in options:
        # The document's contexts must begin with the proof's, which are the ones signed.
        proof_context, context = options["@context"], unsecured.get("@context")
        proof_context = proof_context if isinstance(proof_context, list) else [proof_context]
        context = context if isinstance(context, list) else [context]
        if context[: len(proof_context)] != proof_context:
            return False
        unsecured["@context"] = options["@context"]
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        return False
    try:
        public_key.verify(base58.b58decode(proof_value[1:]), _hash_data(unsecured, options))
    except (InvalidSignature, ValueError, TypeError, rfc8785.CanonicalizationError):
        return False
    return True
