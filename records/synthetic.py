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
# Given names as Chinese parents give them, by sex, so that a name never contradicts the 性别
# next to it (a 李婷 who is 男 is the first thing a Chinese reader notices).
MALE_GIVEN_NAMES = (
    "伟", "强", "磊", "军", "勇", "杰", "涛", "超", "刚", "斌", "浩然", "宇轩", "志强", "建国",
    "晓东", "文博", "子豪", "俊杰", "鹏飞", "海涛", "思远", "嘉诚", "明轩", "家豪", "立新", "振华",
)  # fmt: skip
FEMALE_GIVEN_NAMES = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪梅", "秀英", "桂兰", "雨欣", "嘉怡",
    "思琪", "晓燕", "诗涵", "梦瑶", "欣怡", "佳琪", "雅婷", "慧敏", "丽娟", "美玲", "春梅", "玉兰",
)  # fmt: skip


def resident_id(area: str, birth: datetime.date, sequence: int) -> str:
    """An 18-character 居民身份证 number; an odd sequence makes a man, an even one a woman."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + gb11643_check_character(first17)


def gender_of_sequence(sequence: int) -> str:
    return "1" if sequence % 2 else "2"


def given_names(gender: str) -> tuple[str, ...]:
    """The given names for a GB/T 2261.1 sex code: "2" is female, anything else male."""
    return FEMALE_GIVEN_NAMES if gender == "2" else MALE_GIVEN_NAMES


def chinese_name(rng: random.Random, gender: str) -> str:
    return rng.choice(SURNAMES) + rng.choice(given_names(gender))


def diploma_number(*, school_code: str, category: str, year: int, level: str, sequence: int) -> str:
    school_type = codes.CATEGORY_CERT_CODES.get(category) or "1"
    return f"{school_code}{school_type}{year}{codes.LEVEL_CERT_CODES[level]}{sequence:06d}"


def degree_number(*, school_code: str, degree_level: str, year: int, sequence: int) -> str:
    return f"{school_code}{degree_level}{year}{sequence:06d}"
