"""在线验证码 (DESIGN §4.4): 16 Crockford base32 characters, the first always ``S``.

The real site's codes start with A or X, so an ``S`` code can never be mistaken for a real one.
Typed codes are forgiving, as Crockford's alphabet intends: case, spaces and dashes are
ignored, and the look-alikes O, I and L read as 0, 1 and 1.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
PREFIX = "S"
LENGTH = 16
CODE_PATTERN = re.compile(rf"^{PREFIX}[{ALPHABET}]{{{LENGTH - 1}}}$")

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
