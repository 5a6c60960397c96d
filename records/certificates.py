"""Certificate numbers: 学历证书编号 (18 digits) and 学位证书编号 (16 digits, 2005 scheme).

Each number is built from parts that the record already knows (school code, 办学类型, year,
培养层次 or 学位级别, sequence), so validation compares part by part and reports every
mismatching part with its own message and code: a registrar sees at once which digits are wrong.
Errors are raised together as one :class:`django.core.exceptions.ValidationError` holding a list.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from records.codes import CATEGORY_CERT_CODES, LEVEL_CERT_CODES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERR_DIPLOMA_FORMAT = _("学历证书编号应为18位数字")
ERR_DIPLOMA_SCHOOL_CODE = _("证书编号第1-5位应为院校代码 %(expected)s")
ERR_DIPLOMA_SCHOOL_TYPE = _("证书编号第6位应为办学类型代码 %(expected)s")
ERR_DIPLOMA_YEAR = _("证书编号第7-10位应为毕业年份 %(expected)s")
ERR_DIPLOMA_LEVEL = _("证书编号第11-12位应为培养层次代码 %(expected)s")
ERR_DIPLOMA_SEQUENCE = _("证书编号第13-18位为顺序号，不能为000000")
ERR_DIPLOMA_CATEGORY_UNKNOWN = _("未知的学历类别“%(category)s”，无法核对证书编号")
ERR_DIPLOMA_LEVEL_UNKNOWN = _("未知的层次“%(level)s”，无法核对证书编号")

ERR_DEGREE_FORMAT = _("学位证书编号应为16位数字")
ERR_DEGREE_SCHOOL_CODE = _("证书编号第1-5位应为学位授予单位代码 %(expected)s")
ERR_DEGREE_LEVEL = _("证书编号第6位应为学位级别代码 %(expected)s")
ERR_DEGREE_YEAR = _("证书编号第7-10位应为授予年份 %(expected)s")
ERR_DEGREE_SEQUENCE = _("证书编号第11-16位为顺序号，不能为000000")
ERR_DEGREE_LEVEL_UNKNOWN = _("未知的学位级别“%(level)s”，无法核对证书编号")

# 学位级别 digit: GB/T 6864 codes 2 博士, 3 硕士, 4 学士.
DEGREE_LEVEL_DIGITS = frozenset({"2", "3", "4"})

# 办学类型 code of 自学考试 and 学历文凭考试: the 5-digit prefix is the exam authority's code,
# not the school's, so it cannot be compared with the record's school.
EXAM_SCHOOL_TYPE = "6"

_RE_DIPLOMA = re.compile(r"\d{18}", re.ASCII)
_RE_DEGREE = re.compile(r"\d{16}", re.ASCII)


def _mismatch(message: StrOrPromise, code: str, expected: str) -> ValidationError:
    return ValidationError(message, code=code, params={"expected": expected})


def validate_diploma_number(
    number: str, *, school_code: str, category: str, graduation_year: int, level: str
) -> None:
    """Validate an 18-digit 学历证书编号 against the record it belongs to.

    Layout: 院校代码 (5) + 办学类型 (1) + 毕业年份 (4) + 培养层次 (2) + 顺序号 (6).
    """
    if category not in CATEGORY_CERT_CODES:
        raise ValidationError(
            ERR_DIPLOMA_CATEGORY_UNKNOWN,
            code="diploma_category_unknown",
            params={"category": category},
        )
    if level not in LEVEL_CERT_CODES:
        raise ValidationError(
            ERR_DIPLOMA_LEVEL_UNKNOWN, code="diploma_level_unknown", params={"level": level}
        )
    if not isinstance(number, str) or not _RE_DIPLOMA.fullmatch(number):
        raise ValidationError(ERR_DIPLOMA_FORMAT, code="diploma_format")

    school_type = CATEGORY_CERT_CODES[category]
    year = f"{graduation_year:04d}"
    errors = []
    if school_type != EXAM_SCHOOL_TYPE and number[:5] != school_code:
        errors.append(_mismatch(ERR_DIPLOMA_SCHOOL_CODE, "diploma_school_code", school_code))
    # 开放教育 has no established 办学类型 digit (None), so any digit is accepted there.
    if school_type is not None and number[5] != school_type:
        errors.append(_mismatch(ERR_DIPLOMA_SCHOOL_TYPE, "diploma_school_type", school_type))
    if number[6:10] != year:
        errors.append(_mismatch(ERR_DIPLOMA_YEAR, "diploma_year", year))
    if number[10:12] != LEVEL_CERT_CODES[level]:
        errors.append(_mismatch(ERR_DIPLOMA_LEVEL, "diploma_level", LEVEL_CERT_CODES[level]))
    if number[12:] == "000000":
        errors.append(ValidationError(ERR_DIPLOMA_SEQUENCE, code="diploma_sequence"))
    if errors:
        raise ValidationError(errors)


def validate_degree_number(
    number: str, *, school_code: str, degree_level: str, award_year: int
) -> None:
    """Validate a 16-digit 学位证书编号 (2005 scheme) against the degree it belongs to.

    Layout: 学位授予单位代码 (5) + 学位级别 (1) + 授予年份 (4) + 顺序号 (6).
    """
    if degree_level not in DEGREE_LEVEL_DIGITS:
        raise ValidationError(
            ERR_DEGREE_LEVEL_UNKNOWN, code="degree_level_unknown", params={"level": degree_level}
        )
    if not isinstance(number, str) or not _RE_DEGREE.fullmatch(number):
        raise ValidationError(ERR_DEGREE_FORMAT, code="degree_format")

    year = f"{award_year:04d}"
    errors = []
    if number[:5] != school_code:
        errors.append(_mismatch(ERR_DEGREE_SCHOOL_CODE, "degree_school_code", school_code))
    if number[5] != degree_level:
        errors.append(_mismatch(ERR_DEGREE_LEVEL, "degree_level", degree_level))
    if number[6:10] != year:
        errors.append(_mismatch(ERR_DEGREE_YEAR, "degree_year", year))
    if number[10:] == "000000":
        errors.append(ValidationError(ERR_DEGREE_SEQUENCE, code="degree_sequence"))
    if errors:
        raise ValidationError(errors)
