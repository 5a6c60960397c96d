"""Keys and rates for django-ratelimit on the account forms that answer strangers.

Every registration and recovery POST is counted twice: per address, and per target (the phone,
username or ID number typed, or the account in the session), so neither many addresses against
one person nor one address against many people gets far. Rates are django-ratelimit's notation,
read from settings on each request so that they can be configured (and changed in tests).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest

from records.identity import IdType, normalize_id_number

from .validators import normalize_mobile


def per_address(group: str, request: HttpRequest) -> str:
    return settings.ACCOUNT_RATE_PER_ADDRESS


def per_target(group: str, request: HttpRequest) -> str:
    return settings.ACCOUNT_RATE_PER_TARGET


def _digest(text: str) -> str:
    # The cache never holds a phone or ID number in clear.
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


def _or_address(value: str, request: HttpRequest) -> str:
    # An empty target must not put everybody into one shared bucket.
    return _digest(value) if value else "addr:" + (request.META.get("REMOTE_ADDR") or "")


def typed_phone(group: str, request: HttpRequest) -> str:
    return _or_address(normalize_mobile(request.POST.get("phone", "")), request)


def typed_username(group: str, request: HttpRequest) -> str:
    return _or_address(normalize_username(request.POST.get("username", "")), request)


def typed_id_number(group: str, request: HttpRequest) -> str:
    id_type = request.POST.get("id_type") or IdType.RESIDENT_ID
    return _or_address(normalize_id_number(id_type, request.POST.get("id_number", "")), request)


def normalize_username(typed: str) -> str:
    """One spelling per identifier: phone digits, lower-case email, the stored ID form."""
    text = (typed or "").strip()
    if "@" in text:
        return text.lower()
    phone = normalize_mobile(text)
    if len(phone) == 11 and phone.isdigit():
        return phone
    return normalize_id_number(IdType.RESIDENT_ID, text)


def username_digest(typed: str) -> str:
    return _digest(normalize_username(typed))
