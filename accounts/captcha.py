"""Captcha challenges without look-alike characters, so nobody fails on 0/O or 1/I/L."""

from __future__ import annotations

import secrets

from django.conf import settings

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def unambiguous_challenge() -> tuple[str, str]:
    text = "".join(secrets.choice(ALPHABET) for _ in range(settings.CAPTCHA_LENGTH))
    return text, text
