"""Tests for records.certificates: 学历证书编号 (18 digits) and 学位证书编号 (16 digits)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from records.certificates import (
    ERR_DEGREE_FORMAT,
    ERR_DEGREE_LEVEL,
    ERR_DEGREE_LEVEL_UNKNOWN,
    ERR_DEGREE_SCHOOL_CODE,
    ERR_DEGREE_SEQUENCE,
    ERR_DEGREE_YEAR,
    ERR_DIPLOMA_CATEGORY_UNKNOWN,
    ERR_DIPLOMA_FORMAT,
    ERR_DIPLOMA_LEVEL,
    ERR_DIPLOMA_LEVEL_UNKNOWN,
    ERR_DIPLOMA_SCHOOL_CODE,
    ERR_DIPLOMA_SCHOOL_TYPE,
    ERR_DIPLOMA_SEQUENCE,
    ERR_DIPLOMA_YEAR,
    validate_degree_number,
    validate_diploma_number,
)

SCHOOL = "10001"

# A 本科 diploma of 北京大学 (10001), 普通高等教育, graduating 2024, sequence 000123.
DIPLOMA = dict(school_code=SCHOOL, category="普通高等教育", graduation_year=2024, level="本科")
GOOD_DIPLOMA = "100011202405000123"

# A 学士 degree of 10001 awarded 2024, sequence 000123.
DEGREE = dict(school_code=SCHOOL, degree_level="4", award_year=2024)
GOOD_DEGREE = "1000142024000123"


def diploma(school="10001", school_type="1", year="2024", level="05", seq="000123") -> str:
    number = school + school_type + year + level + seq
    assert len(number) == 18
    return number


def degree(school="10001", level="4", year="2024", seq="000123") -> str:
    number = school + level + year + seq
    assert len(number) == 16
    return number


def rejected(func, number, **context) -> list[ValidationError]:
    with pytest.raises(ValidationError) as info:
        func(number, **context)
    return info.value.error_list


def codes_of(errors: list[ValidationError]) -> list[str | None]:
    return [e.code for e in errors]


# --- 学历证书编号: accepted ----------------------------------------------------------------------


def test_the_helpers_build_the_reference_numbers():
    assert diploma() == GOOD_DIPLOMA
    assert degree() == GOOD_DEGREE


def test_it_accepts_a_matching_diploma_number():
    validate_diploma_number(GOOD_DIPLOMA, **DIPLOMA)


@pytest.mark.parametrize(
    ("category", "school_type"),
    [("普通高等教育", "1"), ("成人高等教育", "5"), ("网络教育", "7")],
)
def test_it_accepts_the_school_type_digit_of_each_category(category, school_type):
    number = diploma(school_type=school_type)
    validate_diploma_number(number, **{**DIPLOMA, "category": category})


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("博士研究生", "01"),
        ("硕士研究生", "02"),
        ("第二学士学位", "04"),
        ("本科", "05"),
        ("专升本", "05"),
        ("专科", "06"),
    ],
)
def test_it_accepts_the_training_level_code_of_each_level(level, code):
    validate_diploma_number(diploma(level=code), **{**DIPLOMA, "level": level})


@pytest.mark.parametrize("school_type", list("0123456789"))
def test_it_accepts_any_school_type_digit_for_open_education(school_type):
    # 开放教育 has no established 办学类型 digit.
    number = diploma(school_type=school_type)
    validate_diploma_number(number, **{**DIPLOMA, "category": "开放教育"})


@pytest.mark.parametrize("category", ["高等教育自学考试", "高等教育学历文凭考试"])
@pytest.mark.parametrize("prefix", ["11000", "10001", "44999"])
def test_it_skips_the_school_code_for_self_study_exam_diplomas(category, prefix):
    # The first five digits belong to the exam authority, not to the school on the record.
    number = diploma(school=prefix, school_type="6")
    validate_diploma_number(number, **{**DIPLOMA, "category": category})


@pytest.mark.parametrize("year", [1999, 2004, 2024, 2030])
def test_it_accepts_the_graduation_year_in_digits_7_to_10(year):
    number = diploma(year=str(year))
    validate_diploma_number(number, **{**DIPLOMA, "graduation_year": year})


@pytest.mark.parametrize("seq", ["000001", "999999", "100000"])
def test_it_accepts_any_non_zero_diploma_sequence(seq):
    validate_diploma_number(diploma(seq=seq), **DIPLOMA)


# --- 学历证书编号: rejected ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "",
        "10001120240500012",  # 17
        "1000112024050001234",  # 19
        "10001120240500012X",
        "1000112024050001 3",
        " 100011202405000123",
        "１０００１１２０２４０５０００１２３",  # full-width digits
        "١٠٠٠١١٢٠٢٤٠٥٠٠٠١٢٣",  # Arabic-Indic digits
        None,
        100011202405000123,
    ],
)
def test_it_rejects_a_diploma_number_that_is_not_18_digits(number):
    errors = rejected(validate_diploma_number, number, **DIPLOMA)
    assert codes_of(errors) == ["diploma_format"]
    assert errors[0].message == ERR_DIPLOMA_FORMAT


@pytest.mark.parametrize(
    ("number", "message", "code", "expected"),
    [
        (diploma(school="10002"), ERR_DIPLOMA_SCHOOL_CODE, "diploma_school_code", "10001"),
        (diploma(school="00001"), ERR_DIPLOMA_SCHOOL_CODE, "diploma_school_code", "10001"),
        (diploma(school_type="5"), ERR_DIPLOMA_SCHOOL_TYPE, "diploma_school_type", "1"),
        (diploma(school_type="6"), ERR_DIPLOMA_SCHOOL_TYPE, "diploma_school_type", "1"),
        (diploma(year="2023"), ERR_DIPLOMA_YEAR, "diploma_year", "2024"),
        (diploma(year="0024"), ERR_DIPLOMA_YEAR, "diploma_year", "2024"),
        (diploma(level="06"), ERR_DIPLOMA_LEVEL, "diploma_level", "05"),
        (diploma(level="50"), ERR_DIPLOMA_LEVEL, "diploma_level", "05"),
    ],
)
def test_it_names_the_one_wrong_part_of_a_diploma_number(number, message, code, expected):
    errors = rejected(validate_diploma_number, number, **DIPLOMA)
    assert codes_of(errors) == [code]
    assert errors[0].message == message
    assert errors[0].params == {"expected": expected}


def test_it_rejects_diploma_sequence_000000():
    errors = rejected(validate_diploma_number, diploma(seq="000000"), **DIPLOMA)
    assert codes_of(errors) == ["diploma_sequence"]
    assert errors[0].message == ERR_DIPLOMA_SEQUENCE


def test_it_reports_every_wrong_part_of_a_diploma_number_at_once():
    number = diploma(school="99999", school_type="5", year="2020", level="01", seq="000000")
    errors = rejected(validate_diploma_number, number, **DIPLOMA)
    assert codes_of(errors) == [
        "diploma_school_code",
        "diploma_school_type",
        "diploma_year",
        "diploma_level",
        "diploma_sequence",
    ]


def test_a_self_study_diploma_still_needs_school_type_6():
    number = diploma(school="11000", school_type="1")
    errors = rejected(
        validate_diploma_number, number, **{**DIPLOMA, "category": "高等教育自学考试"}
    )
    assert codes_of(errors) == ["diploma_school_type"]
    assert errors[0].params == {"expected": "6"}


def test_an_open_education_diploma_still_needs_the_school_code():
    number = diploma(school="10002", school_type="8")
    errors = rejected(validate_diploma_number, number, **{**DIPLOMA, "category": "开放教育"})
    assert codes_of(errors) == ["diploma_school_code"]


def test_a_specialist_diploma_with_the_bachelor_code_is_rejected():
    errors = rejected(validate_diploma_number, diploma(level="05"), **{**DIPLOMA, "level": "专科"})
    assert codes_of(errors) == ["diploma_level"]
    assert errors[0].params == {"expected": "06"}


@pytest.mark.parametrize("category", ["自考", "", "普通"])
def test_it_rejects_an_unknown_category(category):
    errors = rejected(validate_diploma_number, GOOD_DIPLOMA, **{**DIPLOMA, "category": category})
    assert codes_of(errors) == ["diploma_category_unknown"]
    assert errors[0].message == ERR_DIPLOMA_CATEGORY_UNKNOWN


@pytest.mark.parametrize("level", ["硕士", "", "高职"])
def test_it_rejects_an_unknown_level(level):
    errors = rejected(validate_diploma_number, GOOD_DIPLOMA, **{**DIPLOMA, "level": level})
    assert codes_of(errors) == ["diploma_level_unknown"]
    assert errors[0].message == ERR_DIPLOMA_LEVEL_UNKNOWN


def test_the_diploma_school_code_message_names_the_part_and_the_expected_code():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as info:
            validate_diploma_number(diploma(school="10002"), **DIPLOMA)
        assert info.value.messages == ["证书编号第1-5位应为院校代码 10001"]


# --- 学位证书编号: accepted ----------------------------------------------------------------------


def test_it_accepts_a_matching_degree_number():
    validate_degree_number(GOOD_DEGREE, **DEGREE)


@pytest.mark.parametrize("level", ["2", "3", "4"])
def test_it_accepts_each_degree_level_digit(level):
    validate_degree_number(degree(level=level), **{**DEGREE, "degree_level": level})


@pytest.mark.parametrize("year", [2005, 2015, 2024])
def test_it_accepts_the_award_year_in_digits_7_to_10(year):
    validate_degree_number(degree(year=str(year)), **{**DEGREE, "award_year": year})


# --- 学位证书编号: rejected ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "",
        "100014202400012",  # 15
        "10001420240001234",  # 17
        "100014202400012X",
        "1000142024 00123",
        "１０００１４２０２４０００１２３",
        None,
        1000142024000123,
        GOOD_DIPLOMA,
    ],
)
def test_it_rejects_a_degree_number_that_is_not_16_digits(number):
    errors = rejected(validate_degree_number, number, **DEGREE)
    assert codes_of(errors) == ["degree_format"]
    assert errors[0].message == ERR_DEGREE_FORMAT


@pytest.mark.parametrize(
    ("number", "message", "code", "expected"),
    [
        (degree(school="10002"), ERR_DEGREE_SCHOOL_CODE, "degree_school_code", "10001"),
        (degree(level="3"), ERR_DEGREE_LEVEL, "degree_level", "4"),
        (degree(level="1"), ERR_DEGREE_LEVEL, "degree_level", "4"),
        (degree(year="2023"), ERR_DEGREE_YEAR, "degree_year", "2024"),
    ],
)
def test_it_names_the_one_wrong_part_of_a_degree_number(number, message, code, expected):
    errors = rejected(validate_degree_number, number, **DEGREE)
    assert codes_of(errors) == [code]
    assert errors[0].message == message
    assert errors[0].params == {"expected": expected}


def test_it_rejects_degree_sequence_000000():
    errors = rejected(validate_degree_number, degree(seq="000000"), **DEGREE)
    assert codes_of(errors) == ["degree_sequence"]
    assert errors[0].message == ERR_DEGREE_SEQUENCE


def test_it_reports_every_wrong_part_of_a_degree_number_at_once():
    number = degree(school="99999", level="2", year="2020", seq="000000")
    errors = rejected(validate_degree_number, number, **DEGREE)
    assert codes_of(errors) == [
        "degree_school_code",
        "degree_level",
        "degree_year",
        "degree_sequence",
    ]


@pytest.mark.parametrize("level", ["1", "5", "学士", "", "04"])
def test_it_rejects_an_unknown_degree_level(level):
    errors = rejected(validate_degree_number, GOOD_DEGREE, **{**DEGREE, "degree_level": level})
    assert codes_of(errors) == ["degree_level_unknown"]
    assert errors[0].message == ERR_DEGREE_LEVEL_UNKNOWN


def test_the_degree_year_message_names_the_part_and_the_expected_year():
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as info:
            validate_degree_number(degree(year="2023"), **DEGREE)
        assert info.value.messages == ["证书编号第7-10位应为授予年份 2024"]
