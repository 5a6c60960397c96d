"""Ed25519 signatures on report data, as detached JWS (RFC 7515 Appendix F), EdDSA.

The signed bytes are the report data as canonical JSON (sorted keys, no spaces, UTF-8), so
anyone holding a saved copy and the published key can check it offline. The key comes from
``XUEXIN_REPORT_SIGNING_KEY`` in production; the demo generates one into a git-ignored file.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from pathlib import Path

import base58
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "EdDSA"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _load_pem(text: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(text.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("the report signing key must be an Ed25519 private key")
    return key


@functools.lru_cache(maxsize=1)
def private_key() -> Ed25519PrivateKey:
    configured = settings.REPORT_SIGNING_KEY
    if configured:
        return _load_pem(configured)
    if not settings.DEBUG and not settings.REPORT_SIGNING_KEY_FILE_ALLOWED:
        raise ImproperlyConfigured("XUEXIN_REPORT_SIGNING_KEY must be set in production")
    path = Path(settings.REPORT_SIGNING_KEY_FILE)
    if path.exists():
        return _load_pem(path.read_text())
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(pem)
    temporary.chmod(0o600)
    temporary.replace(path)  # atomic: two workers starting at once agree on one key
    return _load_pem(path.read_text())


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """RFC 7638 JWK thumbprint."""
    members = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(_raw_public(public))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url(hashlib.sha256(members.encode()).digest())


def public_jwk(public: Ed25519PublicKey | None = None) -> dict[str, str]:
    public = public or private_key().public_key()
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(_raw_public(public)),
        "kid": key_id(public),
        "use": "sig",
        "alg": ALGORITHM,
    }


# The multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint).
ED25519_PUB_MULTICODEC = b"\xed\x01"


def public_multibase(public: Ed25519PublicKey | None = None) -> str:
    """The key as a Multikey's ``publicKeyMultibase``: base58btc (``z``) of the multicodec
    prefix and the 32 raw bytes; the same key as the JWK, written another way."""
    public = public or private_key().public_key()
    return "z" + base58.b58encode(ED25519_PUB_MULTICODEC + _raw_public(public)).decode()


def public_key_from_multibase(text: str) -> Ed25519PublicKey:
    if not text.startswith("z"):
        raise ValueError("not a base58btc multibase value")
    raw = base58.b58decode(text[1:])
    if not raw.startswith(ED25519_PUB_MULTICODEC) or len(raw) != 34:
        raise ValueError("not an Ed25519 public key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [public_jwk()]}


def sign(data: object, key: Ed25519PrivateKey | None = None) -> str:
    """A compact JWS with a detached payload: ``header..signature``."""
    key = key or private_key()
    return jwt.api_jws.encode(
        canonical(data),
        key,
        algorithm=ALGORITHM,
        headers={"kid": key_id(key.public_key())},
        is_payload_detached=True,
    )


def public_key_from_jwk(jwk: dict[str, str]) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))


def verify(data: object, signature: str, keys: dict[str, list[dict[str, str]]]) -> bool:
    """True only if ``signature`` is a valid EdDSA JWS over exactly ``data`` by a listed key."""
    try:
        header = jwt.get_unverified_header(signature)
        candidates = [k for k in keys.get("keys", []) if k.get("kid") == header.get("kid")]
        if not candidates or header.get("alg") != ALGORITHM:
            return False
        jwt.api_jws.decode_complete(
            signature,
            public_key_from_jwk(candidates[0]),
            algorithms=[ALGORITHM],
            detached_payload=canonical(data),
        )
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError):
        return False
    return True
