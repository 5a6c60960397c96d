"""省份 and 城市 choices for survey questions, from the official GB/T 2260 code list.

Provinces are the project's own list (``records.codes.PROVINCES``). Cities are the current
prefecture-level divisions read from the GB/T 2260 database that python-stdnum ships (the same
database behind the ID-number area rule), plus the county-level cities that provinces
administer directly (仙桃市, 济源市, 石河子市…). The four municipalities and 港澳台 are one
"city" each, under their province code.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.utils.functional import Promise

from records import codes

MUNICIPALITIES = {"11", "12", "31", "50"}
SINGLE_UNIT = MUNICIPALITIES | {"71", "81", "82"}
# Rows of the code list that group divisions rather than name one.
GROUPING_NAMES = {"市辖区", "县", "市", "林区"}


@dataclass(frozen=True)
class City:
    code: str
    name: str
    province: str


def _current_name(raw: str) -> str:
    """The name in use today from ``[1988-]东莞市`` / ``[-2009]襄樊市,[2010-]襄阳市``; or ''."""
    for entry in reversed(raw.split(",")):
        entry = entry.strip()
        if not entry.startswith("["):
            return entry
        span, _sep, name = entry[1:].partition("]")
        _first, _dash, last = span.partition("-")
        if not last.strip():
            return name
    return ""


def _division(database, code: str) -> str:
    parts = database.info(code)
    if len(parts) < 2 or "county" not in parts[1][1]:
        return ""
    return _current_name(parts[1][1]["county"])


@functools.lru_cache(maxsize=1)
def cities() -> tuple[City, ...]:
    from stdnum import numdb  # loading the database takes a moment: only when first needed

    database = numdb.get("cn/loc")
    found: list[City] = []
    for province, _label in codes.PROVINCES:
        if province in SINGLE_UNIT:
            found.append(City(f"{province}0000", "", province))
            continue
        for prefecture in range(1, 100):
            code = f"{province}{prefecture:02d}00"
            name = _division(database, code)
            if prefecture == 90:
                # 省直辖县级行政单位: its county-level cities stand in for prefectures.
                for county in range(1, 100):
                    sub = f"{province}90{county:02d}"
                    sub_name = _division(database, sub)
                    known = {city.name for city in found if city.province == province}
                    if sub_name.endswith("市") and sub_name not in known:
                        found.append(City(sub, sub_name, province))
                continue
            if name and name not in GROUPING_NAMES and "直辖" not in name:
                found.append(City(code, name, province))
    return tuple(found)


def province_label(code: str) -> Promise | str:
    return dict(codes.PROVINCES).get(code, code)


def city_label(code: str) -> str:
    city = city_by_code().get(code)
    if city is None:
        return code
    if not city.name:
        return str(province_label(city.province))
    return f"{province_label(city.province)} {city.name}"


@functools.lru_cache(maxsize=1)
def city_by_code() -> dict[str, City]:
    return {city.code: city for city in cities()}


def province_choices() -> list[tuple[str, object]]:
    return list(codes.PROVINCES)


def city_choices() -> list[tuple[object, list[tuple[str, object]]]]:
    """Cities grouped by province, as a <select> with <optgroup>s shows them."""
    grouped: dict[str, list[tuple[str, object]]] = {}
    for city in cities():
        grouped.setdefault(city.province, []).append(
            (city.code, city.name or province_label(city.province))
        )
    return [(label, grouped[code]) for code, label in codes.PROVINCES if code in grouped]
