"""Revocation status of report credentials, as W3C Bitstring Status Lists.

Every report and every recipient code holds a ``status_index``, drawn at random when it is
issued and never changed or reused. Reports and recipient codes have lists of their own
(``/credentials/status/reports/<n>`` and ``/credentials/status/recipients/<n>``): list ``n``
holds the indices ``(n - 1) * LIST_LENGTH`` to ``n * LIST_LENGTH - 1``, one bit each, set when
that report or code is closed (a recipient code also when its report is). Expiry sets no bit:
a credential's ``validUntil`` says that. The bits are built from the database on each request,
so a report closed a moment ago reads as revoked at once.

The list is the spec's: bit 0 is the left-most bit of the first byte; the bytes are GZIP
compressed, then base64url without padding, with the multibase prefix ``u``.
"""

from __future__ import annotations

import gzip
import secrets
from dataclasses import dataclass

from django.db import models
from django.db.models import Max, Q

from . import signing
from .models import RecipientCode, VerificationReport

# Bits per list: the minimum the spec asks for (16 KiB before compression), so that fetching a
# list does not tell which of some hundred thousand credentials a verifier is looking at.
LIST_LENGTH = 131_072
# Random tries in the newest list before moving on to the next one: lists fill to some 80–90 %.
TRIES_PER_LIST = 16
# As many lists as positive 32-bit indices fill (a PositiveIntegerField's range).
MAX_LISTS = 2**31 // LIST_LENGTH

KIND_OF_LIST = {"reports": VerificationReport, "recipients": RecipientCode}
LIST_OF_MODEL = {model: kind for kind, model in KIND_OF_LIST.items()}


@dataclass(frozen=True)
class Position:
    kind: str  # "reports" or "recipients"
    number: int  # the list, from 1
    bit: int  # the position in that list

    @classmethod
    def of(cls, kind: str, status_index: int) -> Position:
        return cls(kind, status_index // LIST_LENGTH + 1, status_index % LIST_LENGTH)


def new_status_index(model: type[VerificationReport] | type[RecipientCode]) -> int:
    """A free position for a new report or recipient code, at random in the newest list.

    Two requests may draw the same free position at once; the unique constraint refuses the
    second, whose caller tries again with a new code and a new position.
    """
    highest = model.objects.aggregate(highest=Max("status_index"))["highest"]
    number = 0 if highest is None else highest // LIST_LENGTH
    while True:
        for _try in range(TRIES_PER_LIST):
            candidate = number * LIST_LENGTH + secrets.randbelow(LIST_LENGTH)
            if not model.objects.filter(status_index=candidate).exists():
                return candidate
        number += 1


def revoked_indices(kind: str, number: int) -> list[int]:
    """The status indices in list ``number`` whose credentials are revoked."""
    low, high = (number - 1) * LIST_LENGTH, number * LIST_LENGTH
    in_list = Q(status_index__gte=low, status_index__lt=high)
    rows: models.QuerySet[VerificationReport] | models.QuerySet[RecipientCode]
    if kind == "reports":
        rows = VerificationReport.objects.filter(in_list, closed_at__isnull=False)
    else:
        rows = RecipientCode.objects.filter(
            in_list, Q(closed_at__isnull=False) | Q(report__closed_at__isnull=False)
        )
    return list(rows.values_list("status_index", flat=True))


def encode(bits: list[int]) -> str:
    """The ``encodedList`` of a list whose set positions are ``bits``."""
    raw = bytearray(LIST_LENGTH // 8)
    for bit in bits:
        raw[bit // 8] |= 0x80 >> (bit % 8)
    compressed = gzip.compress(bytes(raw), mtime=0)
    return "u" + signing.b64url(compressed)


def decode(encoded_list: str) -> bytes:
    if not encoded_list.startswith("u"):
        raise ValueError('an encodedList starts with the multibase prefix "u"')
    raw = gzip.decompress(signing.b64url_decode(encoded_list[1:]))
    if len(raw) * 8 < LIST_LENGTH:
        raise ValueError(f"a status list has at least {LIST_LENGTH} bits")
    return raw


def bit_is_set(raw: bytes, bit: int) -> bool:
    return bool(raw[bit // 8] & (0x80 >> (bit % 8)))


def encoded_list(kind: str, number: int) -> str:
    return encode([Position.of(kind, index).bit for index in revoked_indices(kind, number)])
