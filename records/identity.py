"""Identity documents and personal names (DESIGN §4.1).

Normalisation turns what people type (full-width digits, lowercase ``x``, spaces, legacy
15-digit 居民身份证 numbers, look-alike middle dots) into the stored form; validation then checks
the stored form and raises :class:`django.core.exceptions.ValidationError` with a specific,
translatable Chinese message and a distinct ``code`` per rule.

The 居民身份证 area-code rule deliberately differs from ``stdnum.cn.ric``: a number is issued at
or after birth and keeps its area code for life, so the code only has to have been in use at some
time between the birth year and today. stdnum instead requires the code to exist in the birth
year, and it also accepts future birth dates, sequence ``000`` and province-level placeholders,
which we reject.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    RESIDENCE_PERMIT = "hmt_residence", _("港澳台居民居住证")
    HKMO_PERMIT = "hkmo_permit", _("港澳居民来往内地通行证")
    TW_PERMIT = "tw_permit", _("台湾居民来往大陆通行证")
    PASSPORT = "passport", _("护照")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")


@dataclass(frozen=True)
class IdFacts:
    """Facts encoded in an identity number: birth date and GB/T 2261.1 gender code."""

    birth_date: datetime.date
    gender: str  # "1" male, "2" female


# --- Error messages (msgids) -------------------------------------------------------------------

ERR_ID_TYPE_UNKNOWN = _("不支持的证件类型")
ERR_ID_NUMBER_REQUIRED = _("请填写证件号码")
ERR_RESIDENT_ID_FORMAT = _("居民身份证号码应为18位，前17位为数字，最后一位为数字或字母X")
ERR_RESIDENCE_PERMIT_FORMAT = _("港澳台居民居住证号码应为18位，前17位为数字，最后一位为数字或字母X")
ERR_CHECK_CHARACTER = _("证件号码校验位不正确，请核对最后一位")
ERR_BIRTH_DATE_INVALID = _("证件号码第7-14位不是有效的出生日期")
ERR_BIRTH_DATE_FUTURE = _("出生日期不能晚于今天")
ERR_BIRTH_DATE_TOO_EARLY = _("出生日期不能早于1900年1月1日")
ERR_SEQUENCE_ZERO = _("证件号码第15-17位顺序码不能为000")
ERR_AREA_UNKNOWN = _("证件号码前6位不是有效的行政区划代码")
ERR_AREA_PROVINCE_LEVEL = _("证件号码前6位是省级行政区划代码，居民身份证使用县级行政区划代码")
ERR_AREA_GROUPING = _("证件号码前6位是“市辖区”“县”等汇总代码，不是具体的县级行政区划代码")
ERR_AREA_NOT_IN_USE = _("证件号码前6位的行政区划代码在出生年份至今均未使用，请核对")
ERR_AREA_HMT_ON_RESIDENT_ID = _(
    "810000、820000、830000开头的号码是港澳台居民居住证号码，请将证件类型选为“港澳台居民居住证”"
)
ERR_AREA_TAIWAN = _("台湾省行政区划代码（71开头）不用于签发居民身份证")
ERR_RESIDENCE_PERMIT_AREA = _(
    "港澳台居民居住证号码前6位应为810000（香港）、820000（澳门）或830000（台湾）"
)
ERR_HKMO_PERMIT_FORMAT = _("港澳居民来往内地通行证号码应为字母H或M加8位数字")
ERR_TW_PERMIT_FORMAT = _("台湾居民来往大陆通行证号码应为8位数字")
ERR_PASSPORT_FORMAT = _("护照号码应为5至17位字母或数字")
ERR_PASSPORT_PRC_FORMAT = _(
    "中国护照号码应为E加8位数字、E加1位字母（不含I和O）加7位数字，或G加8位数字"
)
ERR_FOREIGN_PR_FORMAT = _(
    "外国人永久居留身份证号码应为3位字母加12位数字（2017版），或以9开头的18位号码（2023版）"
)

ERR_NAME_REQUIRED = _("请填写姓名")
ERR_NAME_TOO_LONG = _("姓名不能超过%(limit)d个字符")
ERR_NAME_EMOJI = _("姓名不能包含表情符号")
ERR_NAME_CONTROL = _("姓名不能包含控制字符或不可见字符")
ERR_NAME_DIGIT = _("姓名不能包含数字")
ERR_NAME_SYMBOL = _("姓名不能包含符号")
ERR_NAME_CHARACTER = _(
    "姓名不能包含字符“%(char)s”，只能使用汉字、拉丁字母、间隔号“·”、空格、连字符和撇号"
)
ERR_NAME_NO_LETTER = _("姓名应至少包含一个汉字或字母")
ERR_NAME_DOT_EDGE = _("姓名不能以间隔号“·”开头或结尾")
ERR_NAME_DOT_REPEAT = _("姓名不能包含连续的间隔号“··”")

NAME_MAX_LENGTH = 50

# --- Shared helpers ------------------------------------------------------------------------------

_MOD11_2_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MOD11_2_CHARS = "10X98765432"

# 港澳台居民居住证 carry these pseudo area codes (HK, Macao, Taiwan).
HMT_AREA_CODES = ("810000", "820000", "830000")

_EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

_RE_GB11643 = re.compile(r"\d{17}[\dX]", re.ASCII)
_RE_LEGACY_RESIDENT_ID = re.compile(r"\d{15}", re.ASCII)
_RE_HKMO = re.compile(r"[HM]\d{8}", re.ASCII)
_RE_HKMO_LEGACY = re.compile(r"[HM]\d{10}", re.ASCII)
_RE_TW = re.compile(r"\d{8}", re.ASCII)
_RE_PASSPORT = re.compile(r"[A-Z0-9]{5,17}", re.ASCII)
_RE_PASSPORT_PRC = re.compile(r"E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8}", re.ASCII)
_RE_FOREIGN_PR_2017 = re.compile(r"[A-Z]{3}\d{12}", re.ASCII)
_RE_FOREIGN_PR_2023 = re.compile(r"9\d{16}[\dX]", re.ASCII)

# Names stdnum's area database uses for grouping rows (not a real county-level division).
_AREA_GROUPING_NAMES = frozenset(
    {
        "市辖区",
        "县",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        # spellings used by the stdnum data for the same grouping rows
        "省直辖县级行政单位",
        "自治区直辖县级行政单位",
        "省直辖行政单位",
    }
)


def gb11643_check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits of a GB 11643 number."""
    pairs = zip(first17, _MOD11_2_WEIGHTS, strict=True)
    total = sum(int(digit) * weight for digit, weight in pairs)
    return _MOD11_2_CHARS[total % 11]


def _error(message: StrOrPromise, code: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


# --- Normalisation -------------------------------------------------------------------------------


def normalize_id_number(id_type: str, raw: str) -> str:
    """Return the stored form of an identity number; never raises.

    NFKC folds full-width digits and letters to ASCII, all whitespace is removed and letters are
    upper-cased. Legacy forms are upgraded: a 15-digit 居民身份证 number becomes the 18-digit one,
    an 11-character 回乡证 number loses its 2-digit renewal count.
    """
    if raw is None:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    number = "".join(text.split()).upper()
    if id_type == IdType.RESIDENT_ID and _RE_LEGACY_RESIDENT_ID.fullmatch(number):
        # 1st-generation cards: 6 area + YYMMDD + 3 sequence, all born in the 1900s.
        first17 = number[:6] + "19" + number[6:]
        return first17 + gb11643_check_character(first17)
    if id_type == IdType.HKMO_PERMIT and _RE_HKMO_LEGACY.fullmatch(number):
        # The last two digits count renewals; the lifetime number is the first nine characters.
        return number[:9]
    return number


_MIDDLE_DOT = "\u00b7"
_MIDDLE_DOT_LOOKALIKES = str.maketrans(
    {
        "\u30fb": _MIDDLE_DOT,  # KATAKANA MIDDLE DOT (Japanese IMEs)
        "\u2022": _MIDDLE_DOT,  # BULLET
        "\uff65": _MIDDLE_DOT,  # HALFWIDTH KATAKANA MIDDLE DOT
        "\u2027": _MIDDLE_DOT,  # HYPHENATION POINT (Taiwanese IMEs)
        "\u2219": _MIDDLE_DOT,  # BULLET OPERATOR
        "\u22c5": _MIDDLE_DOT,  # DOT OPERATOR
    }
)


def normalize_person_name(raw: str) -> str:
    """Return the stored form of a personal name; never raises.

    NFC, surrounding whitespace stripped, inner whitespace runs collapsed to one ASCII space and
    look-alike middle dots (katakana, bullet, operator dots…) replaced by U+00B7 ``·``.
    """
    if raw is None:
        return ""
    text = unicodedata.normalize("NFC", str(raw))
    text = " ".join(text.split())
    return text.translate(_MIDDLE_DOT_LOOKALIKES)


# --- Identity numbers ----------------------------------------------------------------------------


def validate_id_number(id_type: str, number: str, *, today: datetime.date | None = None) -> None:
    """Validate a normalised identity number of the given type; raise ValidationError if bad.

    ``today`` pins the reference date (birth dates may not lie after it); default is the current
    date.
    """
    validator = _VALIDATORS.get(id_type) if isinstance(id_type, str) else None
    if validator is None:
        raise _error(ERR_ID_TYPE_UNKNOWN, "id_type_unknown")
    if not isinstance(number, str) or not number:
        raise _error(ERR_ID_NUMBER_REQUIRED, "id_number_required")
    validator(number, today or datetime.date.today())


def _check_gb11643_common(number: str, today: datetime.date) -> datetime.date:
    """Check character, birth date and sequence shared by 居民身份证 and 居住证; return birth."""
    if number[17] != gb11643_check_character(number[:17]):
        raise _error(ERR_CHECK_CHARACTER, "check_character")
    birth = _parse_yyyymmdd(number[6:14])
    if birth is None:
        raise _error(ERR_BIRTH_DATE_INVALID, "birth_date_invalid")
    if birth > today:
        raise _error(ERR_BIRTH_DATE_FUTURE, "birth_date_future")
    if birth < _EARLIEST_BIRTH_DATE:
        raise _error(ERR_BIRTH_DATE_TOO_EARLY, "birth_date_too_early")
    if number[14:17] == "000":
        raise _error(ERR_SEQUENCE_ZERO, "sequence_zero")
    return birth


def _validate_resident_id(number: str, today: datetime.date) -> None:
    if not _is_gb11643_shaped(number):
        raise _error(ERR_RESIDENT_ID_FORMAT, "resident_id_format")
    birth = _check_gb11643_common(number, today)
    _check_resident_area(number[:6], birth.year, today.year)


def _validate_residence_permit(number: str, today: datetime.date) -> None:
    if not _is_gb11643_shaped(number):
        raise _error(ERR_RESIDENCE_PERMIT_FORMAT, "residence_permit_format")
    if number[:6] not in HMT_AREA_CODES:
        raise _error(ERR_RESIDENCE_PERMIT_AREA, "residence_permit_area")
    _check_gb11643_common(number, today)


def _validate_hkmo_permit(number: str, today: datetime.date) -> None:
    if not _RE_HKMO.fullmatch(number):
        raise _error(ERR_HKMO_PERMIT_FORMAT, "hkmo_permit_format")


def _validate_tw_permit(number: str, today: datetime.date) -> None:
    if not _RE_TW.fullmatch(number):
        raise _error(ERR_TW_PERMIT_FORMAT, "tw_permit_format")


def _validate_passport(number: str, today: datetime.date) -> None:
    if not _RE_PASSPORT.fullmatch(number):
        raise _error(ERR_PASSPORT_FORMAT, "passport_format")
    # Nine characters starting with E or G is the PRC ordinary passport layout; hold it to that.
    if len(number) == 9 and number[0] in "EG" and not _RE_PASSPORT_PRC.fullmatch(number):
        raise _error(ERR_PASSPORT_PRC_FORMAT, "passport_prc_format")


def _validate_foreign_pr(number: str, today: datetime.date) -> None:
    if _RE_FOREIGN_PR_2017.fullmatch(number):
        return
    if not _RE_FOREIGN_PR_2023.fullmatch(number):
        raise _error(ERR_FOREIGN_PR_FORMAT, "foreign_pr_format")
    if number[17] != gb11643_check_character(number[:17]):
        raise _error(ERR_CHECK_CHARACTER, "check_character")
    # The 2023 card encodes the birth date like GB 11643; an impossible date cannot be genuine.
    birth = _parse_yyyymmdd(number[6:14])
    if birth is None:
        raise _error(ERR_BIRTH_DATE_INVALID, "birth_date_invalid")
    if birth > today:
        raise _error(ERR_BIRTH_DATE_FUTURE, "birth_date_future")


_VALIDATORS = {
    IdType.RESIDENT_ID.value: _validate_resident_id,
    IdType.RESIDENCE_PERMIT.value: _validate_residence_permit,
    IdType.HKMO_PERMIT.value: _validate_hkmo_permit,
    IdType.TW_PERMIT.value: _validate_tw_permit,
    IdType.PASSPORT.value: _validate_passport,
    IdType.FOREIGN_PR.value: _validate_foreign_pr,
}


def _is_gb11643_shaped(number: str) -> bool:
    return _RE_GB11643.fullmatch(number) is not None


def _parse_yyyymmdd(text: str) -> datetime.date | None:
    if len(text) != 8 or not (text.isascii() and text.isdigit()):
        return None
    try:
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _check_resident_area(area: str, birth_year: int, this_year: int) -> None:
    """Check a 居民身份证 area code against GB/T 2260, historical codes included."""
    if area in HMT_AREA_CODES:
        raise _error(ERR_AREA_HMT_ON_RESIDENT_ID, "area_hmt_on_resident_id")
    if area.startswith("71"):
        raise _error(ERR_AREA_TAIWAN, "area_taiwan")
    periods = _area_periods(area)
    if not periods:
        raise _error(ERR_AREA_UNKNOWN, "area_unknown")
    if area.endswith("0000"):
        raise _error(ERR_AREA_PROVINCE_LEVEL, "area_province_level")
    # Prefecture-level grouping rows (110100 市辖区, 110200 县) never stood for a place of
    # residence. County-level 市辖区 rows (440301, 370201) did: older cards carry them.
    if area.endswith("00"):
        real = [(start, end) for start, end, name in periods if name not in _AREA_GROUPING_NAMES]
    else:
        real = [(start, end) for start, end, _name in periods]
    if not real:
        raise _error(ERR_AREA_GROUPING, "area_grouping")
    # The number was issued at or after birth and keeps its code for life: any overlap of the
    # code's period with [birth year, this year] makes it plausible.
    for start, end in real:
        if (start is None or start <= this_year) and (end is None or end >= birth_year):
            return
    raise _error(ERR_AREA_NOT_IN_USE, "area_not_in_use")


@functools.lru_cache(maxsize=4096)
def _area_periods(area: str) -> tuple[tuple[int | None, int | None, str], ...]:
    """Periods (start year, end year, name) of a 6-digit area code; empty if unknown.

    stdnum's ``cn/loc`` database stores each code as ``county="[start-end]name,..."`` where
    either year may be missing and an unbracketed name is valid throughout.
    """
    from stdnum import numdb  # imported lazily: loading the database takes a moment

    if len(area) != 6 or not (area.isascii() and area.isdigit()):
        return ()
    county = ""
    for _part, props in numdb.get("cn/loc").info(area):
        county = props.get("county", county)
    periods = []
    for entry in county.split(","):
        entry = entry.strip()
        if not entry:
            continue
        start = end = None
        if entry.startswith("["):
            span, _sep, entry = entry[1:].partition("]")
            first, _sep, last = span.partition("-")
            start = int(first) if first.strip() else None
            end = int(last) if last.strip() else None
        periods.append((start, end, entry))
    return tuple(periods)


def facts_from_id_number(id_type: str, number: str) -> IdFacts | None:
    """Birth date and gender encoded in the number, or None if the type has none / unparsable.

    Covers 居民身份证, 港澳台居民居住证 and the 2023 外国人永久居留身份证: birth date in digits
    7–14, digit 17 odd for men and even for women. The number is normalised first; no other
    validation is done.
    """
    if not isinstance(number, str):
        return None
    number = normalize_id_number(id_type, number)
    if id_type in (IdType.RESIDENT_ID, IdType.RESIDENCE_PERMIT):
        shaped = _is_gb11643_shaped(number)
    elif id_type == IdType.FOREIGN_PR:
        shaped = _RE_FOREIGN_PR_2023.fullmatch(number) is not None
    else:
        return None
    if not shaped:
        return None
    birth = _parse_yyyymmdd(number[6:14])
    if birth is None:
        return None
    return IdFacts(birth_date=birth, gender="1" if int(number[16]) % 2 else "2")


def mask_id_number(number: str) -> str:
    """Mask an identity number for display: first 3 and last 4 characters stay visible.

    Short numbers (7 characters or fewer) would reveal nearly everything that way, so they keep
    only their first and last character, and anything shorter than 3 is fully starred.
    """
    if not number:
        return ""
    number = str(number)
    length = len(number)
    if length > 7:
        return number[:3] + "*" * (length - 7) + number[-4:]
    if length >= 3:
        return number[0] + "*" * (length - 2) + number[-1]
    return "*" * length


# --- Names ---------------------------------------------------------------------------------------

# CJK ideograph blocks, including Extensions A–I and the compatibility blocks.
_CJK_RANGES = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # Compatibility Ideographs
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2B73F),  # Extension C
    (0x2B740, 0x2B81F),  # Extension D
    (0x2B820, 0x2CEAF),  # Extension E
    (0x2CEB0, 0x2EBEF),  # Extension F
    (0x2EBF0, 0x2EE5F),  # Extension I
    (0x2F800, 0x2FA1F),  # Compatibility Ideographs Supplement
    (0x30000, 0x3134F),  # Extension G
    (0x31350, 0x323AF),  # Extension H
)

# Code points that make up emoji: pictographs, dingbats, presentation selectors, the keycap
# combiner and tag characters (flag subdivisions).
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),
    (0x2600, 0x27BF),
    (0x2B00, 0x2BFF),
    (0xFE0E, 0xFE0F),
    (0x20E3, 0x20E3),
    (0xE0020, 0xE007F),
    (0x231A, 0x231B),
    (0x23E9, 0x23FA),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
)

_NAME_PUNCTUATION = frozenset({_MIDDLE_DOT, " ", "-", "'"})


def _in_ranges(char: str, ranges: tuple[tuple[int, int], ...]) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in ranges)


def _is_cjk_ideograph(char: str) -> bool:
    return _in_ranges(char, _CJK_RANGES)


def _is_latin_letter(char: str) -> bool:
    if len(char) != 1 or not unicodedata.category(char).startswith("L"):
        return False
    return unicodedata.name(char, "").startswith("LATIN ")


def _is_invisible_or_unassigned(char: str) -> bool:
    # Python 3.11 ships Unicode 14, so Extension H/I ideographs read as unassigned (Cn) there;
    # the block ranges are authoritative for those.
    if _is_cjk_ideograph(char):
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Cn")


def validate_person_name(name: str) -> None:
    """Validate a normalised personal name; raise ValidationError naming the first problem.

    Allowed: CJK ideographs (all extensions), Latin letters with their diacritics, the middle dot
    ``·`` between parts, spaces, hyphens and apostrophes.
    """
    if not isinstance(name, str) or not name.strip():
        raise _error(ERR_NAME_REQUIRED, "name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise _error(ERR_NAME_TOO_LONG, "name_too_long", limit=NAME_MAX_LENGTH)
    # Whole-string passes in priority order, so "张三😀" reports the emoji (the likeliest
    # intent) even though the emoji's ZWJ/selector parts would also count as invisible chars.
    if any(_in_ranges(char, _EMOJI_RANGES) for char in name):
        raise _error(ERR_NAME_EMOJI, "name_emoji")
    if any(_is_invisible_or_unassigned(char) for char in name):
        raise _error(ERR_NAME_CONTROL, "name_control")
    if any(unicodedata.category(char).startswith("N") for char in name):
        raise _error(ERR_NAME_DIGIT, "name_digit")
    if any(unicodedata.category(char).startswith("S") for char in name):
        raise _error(ERR_NAME_SYMBOL, "name_symbol")
    previous = ""
    for char in name:
        allowed = (
            _is_cjk_ideograph(char)
            or _is_latin_letter(char)
            or char in _NAME_PUNCTUATION
            # combining diacritics that NFC could not fold into a precomposed Latin letter
            or (unicodedata.category(char) == "Mn" and _is_latin_letter(previous))
        )
        if not allowed:
            raise _error(ERR_NAME_CHARACTER, "name_character", char=char)
        if unicodedata.category(char) != "Mn":
            previous = char
    if not any(_is_cjk_ideograph(char) or _is_latin_letter(char) for char in name):
        raise _error(ERR_NAME_NO_LETTER, "name_no_letter")
    if name[0] == _MIDDLE_DOT or name[-1] == _MIDDLE_DOT:
        raise _error(ERR_NAME_DOT_EDGE, "name_dot_edge")
    if _MIDDLE_DOT * 2 in name:
        raise _error(ERR_NAME_DOT_REPEAT, "name_dot_repeat")
