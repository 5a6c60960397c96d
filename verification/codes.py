"""在线验证码 (DESIGN §4.4): ``S`` and 19 Crockford base32 characters (95 random bits).

The real site's codes start with A or X, so an ``S`` code can never be mistaken for a real one.
Typed codes are forgiving, as Crockford's alphabet intends: case, spaces and dashes are
ignored, and the look-alikes O, I and L read as 0, 1 and 1. Codes issued before the longer
form (16 characters, 75 bits) are still looked up until they expire.

A code is a bearer credential, so the database never holds it in clear: reports are found by
a keyed digest (HMAC-SHA256), and the owner's copy is sealed with AES-GCM. Both keys derive
from ``REPORT_CODE_KEY`` (XUEXIN_REPORT_CODE_KEY; the demo derives one from the secret key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
PREFIX = "S"
LENGTH = 20  # S + 19 random characters: 95 bits
LEGACY_LENGTH = 16  # S + 15: issued before, still valid until they expire
CODE_PATTERN = re.compile(
    rf"^{PREFIX}(?:[{ALPHABET}]{{{LENGTH - 1}}}|[{ALPHABET}]{{{LEGACY_LENGTH - 1}}})$"
)

_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.·]+")


def new_code() -> str:
    return PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))


def normalize_code(raw: str) -> str:
    """What a typed code stands for; may still be invalid (check with ``is_valid_code``)."""
    text = _SEPARATORS.sub("", (raw or "").strip().upper())
    # The first character is a letter by definition: keep an S as typed, map look-alikes after.
    return text[:1] + text[1:].translate(_LOOKALIKES)


def is_valid_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def group(code: str) -> str:
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _subkey(purpose: bytes) -> bytes:
    master = settings.REPORT_CODE_KEY.encode()
    return hmac.new(master, b"xuexin report code: " + purpose, hashlib.sha256).digest()


def digest(code: str) -> str:
    """The keyed digest a report is stored and looked up by: without the key, the digest of
    every possible code would have to be tried, and the database alone gives nothing."""
    return hmac.new(_subkey(b"lookup"), code.encode(), hashlib.sha256).hexdigest()


def seal(code: str) -> str:
    """The owner's copy of the code, encrypted (AES-GCM, 96-bit random nonce)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_subkey(b"seal")).encrypt(nonce, code.encode(), b"report-code")
    return base64.b64encode(nonce + sealed).decode()


def unseal(text: str) -> str:
    raw = base64.b64decode(text)
    return AESGCM(_subkey(b"seal")).decrypt(raw[:12], raw[12:], b"report-code").decode()
