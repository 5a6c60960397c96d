"""Masking that masks (DESIGN §4.4): what the public sees of a person together must leave at
least ``MIN_CANDIDATES`` ID numbers that fit it.

A masked ID next to the full birth date and the sex leaves a handful: the birth date fills
digits 7-14, the sex fixes the parity of digit 17, and the check character prunes the rest by
eleven. So public pages (the report page, its PDF and API, 学历查询) show the birth date as
year and month, and the ID number with only as many trailing characters as keep the count of
numbers that fit everything shown at or above ``MIN_CANDIDATES`` — counted here, by brute
force over every area code in use for the birth year, every day, every sequence number.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections import Counter

from django.core.exceptions import ValidationError

from .identity import (
    _MOD11_2_CHARS,
    _MOD11_2_WEIGHTS,
    HMT_AREA_CODES,
    IdType,
    _check_resident_area,
)

MIN_CANDIDATES = 10_000
MAX_VISIBLE = 4  # never more than the last four characters, whatever the count says
GB11643_TYPES = (IdType.RESIDENT_ID, IdType.RESIDENCE_PERMIT)


@functools.cache
def _all_area_codes() -> tuple[str, ...]:
    from stdnum import numdb

    codes = []
    for _length, province, _end, _props, counties in numdb.get("cn/loc").prefixes:
        for _l, county, _e, _p, _children in counties:
            codes.append(province + county)
    return tuple(codes)


@functools.lru_cache(maxsize=256)
def area_codes(id_type: str, birth_year: int) -> tuple[str, ...]:
    """Every area code a number of this type issued to someone born that year may carry."""
    if id_type == IdType.RESIDENCE_PERMIT:
        return HMT_AREA_CODES
    this_year = datetime.date.today().year
    valid = []
    for code in _all_area_codes():
        try:
            _check_resident_area(code, birth_year, this_year)
        except ValidationError:  # not a code for that year
            continue
        valid.append(code)
    return tuple(valid)


def _fits(shown: str, candidate: str) -> bool:
    return all(s in ("*", c) for s, c in zip(shown, candidate, strict=True))


def _residue(digits: str, offset: int) -> int:
    """The part of the MOD 11-2 weighted sum that ``digits`` at ``offset`` contribute."""
    weights = _MOD11_2_WEIGHTS[offset : offset + len(digits)]
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11


def candidates(*, id_type: str, shown: str, birth_year: int, birth_month: int,
               birth_day: int | None, gender: str | None) -> int:  # fmt: skip
    """How many valid numbers agree with the masked ``shown`` (``*`` = hidden), the birth
    year and month (and day, if shown) and the sex.

    Every area code in use for the birth year, every day, every sequence number with the
    sex's parity: counted exactly, without listing each number, by grouping the parts by
    their share of the check character's weighted sum.
    """
    if id_type not in GB11643_TYPES or len(shown) != 18:
        # No birth date or sex inside: every hidden character is at least a digit.
        return 10 ** shown.count("*")
    last_day = calendar.monthrange(birth_year, birth_month)[1]
    days = [birth_day] if birth_day else range(1, last_day + 1)
    parity = {"1": 1, "2": 0}.get(gender or "")
    areas = Counter(
        _residue(area, 0) for area in area_codes(id_type, birth_year) if _fits(shown[:6], area)
    )
    dates = Counter(
        _residue(date, 6)
        for date in (f"{birth_year:04d}{birth_month:02d}{day:02d}" for day in days)
        if _fits(shown[6:14], date)
    )
    sequences = Counter(
        _residue(tail, 14)
        for tail in (f"{n:03d}" for n in range(1, 1000) if parity is None or n % 2 == parity)
        if _fits(shown[14:17], tail)
    )
    if shown[17] == "*":
        return areas.total() * dates.total() * sequences.total()
    wanted = _MOD11_2_CHARS.index(shown[17])
    return sum(
        areas[a] * dates[d] * sequences[(wanted - a - d) % 11] for a in range(11) for d in range(11)
    )


def public_id_mask(id_type: str, number: str, birth_date: datetime.date | None,
                   gender: str | None, *, day_shown: bool = False) -> str:  # fmt: skip
    """The ID number as the public may see it next to the birth date (year and month, or the
    full date with ``day_shown``) and the sex: the most trailing characters (up to four) that
    still leave ``MIN_CANDIDATES`` numbers fitting everything shown."""
    if not number:
        return ""
    if id_type == IdType.FOREIGN_PR:
        # Birth date and nationality are inside, in layouts not enumerated here: hide it all.
        return "*" * len(number)
    for visible in range(min(MAX_VISIBLE, len(number) - 1), 0, -1):
        shown = "*" * (len(number) - visible) + number[-visible:]
        if birth_date is None:
            if 10 ** (len(number) - visible) >= MIN_CANDIDATES:
                return shown
            continue
        found = candidates(
            id_type=id_type, shown=shown, birth_year=birth_date.year,
            birth_month=birth_date.month, birth_day=birth_date.day if day_shown else None,
            gender=gender,
        )  # fmt: skip
        if found >= MIN_CANDIDATES:
            return shown
    return "*" * len(number)


def public_birth_month(birth_date: datetime.date | None) -> str:
    """The birth date as public pages show it: year and month (ISO ``YYYY-MM``)."""
    return f"{birth_date:%Y-%m}" if birth_date else ""
