"""Builders for synthetic people and record numbers, shared by ``seed_demo`` and test factories.

Every number built here passes the same validators as real input, so demo and test data exercise
the real rules instead of bypassing them.
"""

from __future__ import annotations

import datetime
import random

from . import codes
from .identity import gb11643_check_character

# County-level codes in use today (GB/T 2260), spread over the country.
AREA_CODES = [
    "110101", "110105", "110108", "120101", "130102", "140105", "150102", "210102",
    "220102", "230102", "310104", "310115", "320102", "320506", "330106", "340104",
    "350102", "360102", "370102", "410105", "420106", "430104", "440106", "440305",
    "450103", "460105", "500103", "510107", "520102", "530102", "540102", "610113",
    "620102", "630102", "640104", "650102",
]  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁"
    "谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞"
    "平刚桂英文华建国志强晓东海燕婷雪梅子涵浩然雨欣思远嘉怡宇轩"
)


def resident_id(area: str, birth: datetime.date, sequence: int) -> str:
    """An 18-character 居民身份证 number; an odd sequence makes a man, an even one a woman."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + gb11643_check_character(first17)


def gender_of_sequence(sequence: int) -> str:
    return "1" if sequence % 2 else "2"


def chinese_name(rng: random.Random) -> str:
    given_length = rng.choice([1, 2, 2])
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_length))


def diploma_number(*, school_code: str, category: str, year: int, level: str, sequence: int) -> str:
    school_type = codes.CATEGORY_CERT_CODES.get(category) or "1"
    return f"{school_code}{school_type}{year}{codes.LEVEL_CERT_CODES[level]}{sequence:06d}"


def degree_number(*, school_code: str, degree_level: str, year: int, sequence: int) -> str:
    return f"{school_code}{degree_level}{year}{sequence:06d}"
