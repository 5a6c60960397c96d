"""Tests for records.identity: identity numbers (DESIGN §4.1) and personal names.

Valid 居民身份证 numbers are built with :func:`gb`, a check-character helper written here
independently of the module under test (powers of two modulo 11 instead of a weight table).
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import ric as stdnum_ric

from records import identity
from records.identity import (
    ERR_AREA_GROUPING,
    ERR_AREA_HMT_ON_RESIDENT_ID,
    ERR_AREA_NOT_IN_USE,
    ERR_AREA_PROVINCE_LEVEL,
    ERR_AREA_TAIWAN,
    ERR_AREA_UNKNOWN,
    ERR_BIRTH_DATE_FUTURE,
    ERR_BIRTH_DATE_INVALID,
    ERR_BIRTH_DATE_TOO_EARLY,
    ERR_CHECK_CHARACTER,
    ERR_FOREIGN_PR_FORMAT,
    ERR_HKMO_PERMIT_FORMAT,
    ERR_ID_NUMBER_REQUIRED,
    ERR_ID_TYPE_UNKNOWN,
    ERR_NAME_CHARACTER,
    ERR_NAME_CONTROL,
    ERR_NAME_DIGIT,
    ERR_NAME_DOT_EDGE,
    ERR_NAME_DOT_REPEAT,
    ERR_NAME_EMOJI,
    ERR_NAME_NO_LETTER,
    ERR_NAME_REQUIRED,
    ERR_NAME_SYMBOL,
    ERR_NAME_TOO_LONG,
    ERR_PASSPORT_FORMAT,
    ERR_PASSPORT_PRC_FORMAT,
    ERR_RESIDENCE_PERMIT_AREA,
    ERR_RESIDENCE_PERMIT_FORMAT,
    ERR_RESIDENT_ID_FORMAT,
    ERR_SEQUENCE_ZERO,
    ERR_TW_PERMIT_FORMAT,
    IdFacts,
    IdType,
    facts_from_id_number,
    mask_id_number,
    normalize_id_number,
    normalize_person_name,
    validate_id_number,
    validate_person_name,
)

TODAY = datetime.date(2024, 6, 1)

RID = IdType.RESIDENT_ID
RP = IdType.RESIDENCE_PERMIT
HKMO = IdType.HKMO_PERMIT
TW = IdType.TW_PERMIT
PASSPORT = IdType.PASSPORT
FPR = IdType.FOREIGN_PR


# --- helpers -------------------------------------------------------------------------------------


def check_char(first17: str) -> str:
    """GB 11643 check character: sum(a_i * 2^(17-i) mod 11) + c ≡ 1 (mod 11)."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (1 - total) % 11
    return "X" if value == 10 else str(value)


def gb(area: str, birth: str, seq: str = "123") -> str:
    """A GB 11643-shaped number with the right check character."""
    first17 = area + birth + seq
    assert len(first17) == 17
    return first17 + check_char(first17)


def wrong_check(number: str) -> str:
    """The same number with a different (wrong) last character."""
    last = number[-1]
    replacement = "0" if last != "0" else "1"
    return number[:-1] + replacement


def seq_giving_x(area: str, birth: str) -> str:
    for n in range(1, 1000):
        seq = f"{n:03d}"
        if check_char(area + birth + seq) == "X":
            return seq
    raise AssertionError("no sequence gives X")


def assert_rejected(func, *args, message, code, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        func(*args, **kwargs)
    errors = info.value.error_list
    assert [e.code for e in errors] == [code]
    assert errors[0].message == message
    return errors[0]


def assert_id_rejected(id_type, number, message, code, today=TODAY) -> ValidationError:
    return assert_rejected(
        validate_id_number, id_type, number, message=message, code=code, today=today
    )


# --- the helper itself ---------------------------------------------------------------------------


def test_the_test_helper_reproduces_the_gb_11643_standard_example():
    # The example printed in GB 11643-1999 (and used by every implementation).
    assert gb("110105", "19491231", "002") == "11010519491231002X"


def test_the_test_helper_agrees_with_stdnum_on_check_characters():
    for n in range(0, 1000, 7):
        number = gb("110105", "19800101", f"{n:03d}")
        assert stdnum_ric.calc_check_digit(number) == number[-1]


# --- IdType --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "value", "label"),
    [
        (IdType.RESIDENT_ID, "resident_id", "居民身份证"),
        (IdType.RESIDENCE_PERMIT, "hmt_residence", "港澳台居民居住证"),
        (IdType.HKMO_PERMIT, "hkmo_permit", "港澳居民来往内地通行证"),
        (IdType.TW_PERMIT, "tw_permit", "台湾居民来往大陆通行证"),
        (IdType.PASSPORT, "passport", "护照"),
        (IdType.FOREIGN_PR, "foreign_pr", "外国人永久居留身份证"),
    ],
)
def test_each_id_type_has_its_stored_value_and_chinese_label(member, value, label):
    assert member == value
    assert member.label == label  # the msgid (compared untranslated)


# --- normalize_id_number -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("  11010519491231002X  ", "11010519491231002X"),
        ("110105 19491231 002X", "11010519491231002X"),
        ("110105\u300019491231\t002x\n", "11010519491231002X"),
        ("\u00a011010519491231002X\u00a0", "11010519491231002X"),
    ],
)
def test_it_normalises_full_width_lowercase_and_spaced_resident_ids(raw, expected):
    assert normalize_id_number(RID, raw) == expected


@pytest.mark.parametrize(
    ("id_type", "raw", "expected"),
    [
        (HKMO, "ｈ１２３４５６７８", "H12345678"),
        (HKMO, " m 1234 5678 ", "M12345678"),
        (TW, "１２３４ ５６７８", "12345678"),
        (PASSPORT, "e12345678", "E12345678"),
        (PASSPORT, "ｅａ１２３４５６７", "EA1234567"),
        (FPR, "usa123456789012", "USA123456789012"),
        (RP, "81000019900101123x", "81000019900101123X"),
    ],
)
def test_it_normalises_other_document_types_the_same_way(id_type, raw, expected):
    assert normalize_id_number(id_type, raw) == expected


@pytest.mark.parametrize(
    ("legacy", "first17"),
    [
        ("110105491231002", "11010519491231002"),
        ("440305800229051", "44030519800229051"),
        ("３７０２０２６５０７１５１２３", "37020219650715123"),
        ("110105 491231 002", "11010519491231002"),
    ],
)
def test_it_converts_a_15_digit_legacy_resident_id_to_18_digits(legacy, first17):
    assert normalize_id_number(RID, legacy) == first17 + check_char(first17)


@pytest.mark.parametrize("legacy", ["110105491231002", "440305800229051", "370202650715123"])
def test_a_converted_legacy_resident_id_validates(legacy):
    validate_id_number(RID, normalize_id_number(RID, legacy), today=TODAY)


def test_the_standard_example_in_its_legacy_form_becomes_the_18_digit_example():
    assert normalize_id_number(RID, "110105491231002") == "11010519491231002X"


@pytest.mark.parametrize("raw", ["11010549123100X", "11010549123100A", "1101054912310"])
def test_it_leaves_a_non_digit_or_short_legacy_looking_number_as_it_is(raw):
    assert normalize_id_number(RID, raw) == raw


@pytest.mark.parametrize("id_type", [RP, PASSPORT, FPR, TW, HKMO])
def test_it_converts_15_digits_only_for_resident_ids(id_type):
    assert normalize_id_number(id_type, "110105491231002") == "110105491231002"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("H1234567801", "H12345678"), ("m1234567899", "M12345678"), ("H12345678", "H12345678")],
)
def test_it_cuts_the_renewal_count_from_an_11_character_hkmo_permit(raw, expected):
    assert normalize_id_number(HKMO, raw) == expected


def test_it_keeps_11_characters_for_types_other_than_the_hkmo_permit():
    assert normalize_id_number(PASSPORT, "H1234567801") == "H1234567801"


@pytest.mark.parametrize("id_type", [*IdType.values, "unknown", ""])
@pytest.mark.parametrize(
    "raw", [None, "", "   ", "\x00", "😀", "ｘ" * 40, "1" * 15, "H" + "1" * 10, 110105, "\ud800"]
)
def test_normalising_never_raises_and_always_returns_a_string(id_type, raw):
    assert isinstance(normalize_id_number(id_type, raw), str)


@pytest.mark.parametrize(
    "raw", ["１１０１０５４９１２３１００２", "11010519491231002x", "h1234567801"]
)
@pytest.mark.parametrize("id_type", [RID, HKMO])
def test_normalising_twice_gives_the_same_result(id_type, raw):
    once = normalize_id_number(id_type, raw)
    assert normalize_id_number(id_type, once) == once


# --- 居民身份证: accepted ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        gb("110105", "19900101"),
        gb("440305", "20010915", "246"),
        gb("320500", "19751001"),  # prefecture-level code (used on real early cards)
        gb("650102", "19880808", "001"),
        gb("110105", "20000229"),  # leap day in a year divisible by 400
        gb("110105", "19960229"),
        gb("110105", "19000101"),  # earliest allowed birth date
        gb("110105", "20240601"),  # born today
        gb("110105", "19800101", "999"),
    ],
)
def test_it_accepts_valid_resident_ids(number):
    validate_id_number(RID, number, today=TODAY)


def test_it_accepts_an_uppercase_x_check_character():
    number = gb("110105", "19900101", seq_giving_x("110105", "19900101"))
    assert number.endswith("X")
    validate_id_number(RID, number, today=TODAY)


def test_it_accepts_a_lowercase_x_check_character_after_normalising():
    number = gb("110105", "19900101", seq_giving_x("110105", "19900101")).lower()
    validate_id_number(RID, normalize_id_number(RID, number), today=TODAY)


def test_it_rejects_an_unnormalised_lowercase_x_with_the_format_message():
    number = gb("110105", "19900101", seq_giving_x("110105", "19900101")).lower()
    assert_id_rejected(RID, number, ERR_RESIDENT_ID_FORMAT, "resident_id_format")


def test_it_accepts_full_width_input_after_normalising():
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in gb("110105", "19900101"))
    validate_id_number(RID, normalize_id_number(RID, full_width), today=TODAY)


def test_it_uses_the_real_date_when_today_is_not_given():
    validate_id_number(RID, gb("110105", "19900101"))


# --- 居民身份证: format and check character ------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "1101051949123100",  # 16
        "11010519491231002",  # 17
        "11010519491231002X1",  # 19
        "11010519491231002Y",
        "1101051949123100XX",
        "X10105194912310020",
        "11010519491231002x",  # not normalised
        "110105 9491231002X",
        "１１０１０５１９４９１２３１００２Ｘ",  # not normalised
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits are \d in Unicode regexes
        "110105491231002",  # 15 digits not converted
    ],
)
def test_it_rejects_resident_ids_of_the_wrong_shape(number):
    assert_id_rejected(RID, number, ERR_RESIDENT_ID_FORMAT, "resident_id_format")


@pytest.mark.parametrize(
    "number",
    [
        wrong_check("11010519491231002X"),
        "110105194912310021",
        wrong_check(gb("110105", "19900101")),
        wrong_check(gb("440305", "20010915", "246")),
        gb("110105", "19900101", seq_giving_x("110105", "19900101"))[:-1] + "0",
        # a transposition of two digits is caught by MOD 11-2
        "11010519491213002X",
    ],
)
def test_it_rejects_a_wrong_check_character(number):
    assert_id_rejected(RID, number, ERR_CHECK_CHARACTER, "check_character")


def test_every_wrong_last_character_is_rejected_and_only_the_right_one_is_accepted():
    first17 = "44030519900101123"
    for last in "0123456789X":
        number = first17 + last
        if last == check_char(first17):
            validate_id_number(RID, number, today=TODAY)
        else:
            assert_id_rejected(RID, number, ERR_CHECK_CHARACTER, "check_character")


def test_the_check_character_message_asks_to_check_the_last_character():
    assert str(ERR_CHECK_CHARACTER) == "证件号码校验位不正确，请核对最后一位"


# --- 居民身份证: birth date and sequence ---------------------------------------------------------


@pytest.mark.parametrize(
    "birth",
    [
        "19000229",  # 1900 is not a leap year
        "20230229",
        "21000229",
        "19900230",
        "19900431",
        "19901301",
        "19900001",
        "19900100",
        "00000000",
    ],
)
def test_it_rejects_a_birth_date_that_does_not_exist(birth):
    assert_id_rejected(RID, gb("110105", birth), ERR_BIRTH_DATE_INVALID, "birth_date_invalid")


@pytest.mark.parametrize("birth", ["20240602", "20250101", "29991231"])
def test_it_rejects_a_birth_date_after_today(birth):
    assert_id_rejected(RID, gb("110105", birth), ERR_BIRTH_DATE_FUTURE, "birth_date_future")


def test_the_future_date_rule_follows_the_given_today():
    number = gb("110105", "20240602")
    validate_id_number(RID, number, today=datetime.date(2024, 6, 2))
    assert_id_rejected(
        RID, number, ERR_BIRTH_DATE_FUTURE, "birth_date_future", today=datetime.date(2024, 6, 1)
    )


def test_it_rejects_a_future_birth_date_with_the_real_today_by_default():
    with pytest.raises(ValidationError) as info:
        validate_id_number(RID, gb("110105", "29991231"))
    assert info.value.code == "birth_date_future"


@pytest.mark.parametrize("birth", ["18991231", "18990101", "18000101"])
def test_it_rejects_a_birth_date_before_1900(birth):
    assert_id_rejected(RID, gb("110105", birth), ERR_BIRTH_DATE_TOO_EARLY, "birth_date_too_early")


def test_it_rejects_sequence_code_000():
    number = gb("110105", "19900101", "000")
    assert_id_rejected(RID, number, ERR_SEQUENCE_ZERO, "sequence_zero")


@pytest.mark.parametrize("seq", ["001", "002", "010", "100", "998"])
def test_it_accepts_any_non_zero_sequence_code(seq):
    validate_id_number(RID, gb("110105", "19900101", seq), today=TODAY)


def test_the_check_character_is_checked_before_the_birth_date():
    number = wrong_check(gb("110105", "20230229"))
    assert_id_rejected(RID, number, ERR_CHECK_CHARACTER, "check_character")


# --- 居民身份证: area codes ----------------------------------------------------------------------


@pytest.mark.parametrize("area", ["110000", "440000", "650000", "500000"])
def test_it_rejects_a_province_level_placeholder_area_code(area):
    number = gb(area, "19900101")
    assert_id_rejected(RID, number, ERR_AREA_PROVINCE_LEVEL, "area_province_level")


@pytest.mark.parametrize(
    ("area", "birth"),
    [
        ("110100", "19900101"),  # 市辖区
        ("310100", "19900101"),  # 市辖区
        ("110200", "19900101"),  # [-2015]县
        ("429000", "19900101"),  # 省直辖县级行政单位
        ("659000", "19900101"),  # 自治区直辖县级行政单位
    ],
)
def test_it_rejects_a_grouping_area_code(area, birth):
    assert_id_rejected(RID, gb(area, birth), ERR_AREA_GROUPING, "area_grouping")


@pytest.mark.parametrize("area", ["440301", "370201"])
def test_it_accepts_a_county_level_shixiaqu_code_that_older_cards_carry(area):
    validate_id_number(RID, gb(area, "19850101"), today=TODAY)


@pytest.mark.parametrize("area", ["110199", "999999", "000000", "119901", "900101", "370299"])
def test_it_rejects_an_area_code_that_is_not_in_gb_t_2260(area):
    assert_id_rejected(RID, gb(area, "19900101"), ERR_AREA_UNKNOWN, "area_unknown")


@pytest.mark.parametrize(
    ("area", "birth"),
    [
        ("110103", "19850101"),  # 崇文区 [-2010], born while it existed
        ("110103", "20100630"),  # born in its last year
        ("110104", "19491001"),  # 宣武区 [-2010]
        ("110118", "19900101"),  # 密云区 [2015-], born before it was created
        ("110119", "19700101"),  # 延庆区 [2015-]
        ("310151", "19880808"),  # 崇明区 [2016-]
        ("659012", "19950505"),  # 白杨市 [2022-]
        ("310230", "19880808"),  # 崇明县 [1982-2016]
        ("120110", "19800101"),  # [-1991]东郊区,[1992-]东丽区
        ("120110", "20000101"),
        ("110110", "19700101"),  # 燕山区 [-1986]
    ],
)
def test_it_accepts_an_area_code_in_use_at_some_time_between_birth_and_today(area, birth):
    validate_id_number(RID, gb(area, birth), today=TODAY)


@pytest.mark.parametrize(
    ("area", "birth"),
    [
        ("110103", "20120101"),  # 崇文区 abolished in 2010, birth 2012
        ("110104", "20110101"),  # 宣武区 abolished in 2010
        ("110110", "19870101"),  # 燕山区 [-1986]
        ("110201", "19830101"),  # 昌平县 [-1982]
        ("310230", "20170101"),  # 崇明县 [1982-2016]
    ],
)
def test_it_rejects_an_area_code_abolished_before_the_birth_year(area, birth):
    assert_id_rejected(RID, gb(area, birth), ERR_AREA_NOT_IN_USE, "area_not_in_use")


def test_it_rejects_an_area_code_created_after_today():
    # 密云区 got 110118 in 2015; a number "issued" before then cannot carry it.
    number = gb("110118", "19900101")
    today = datetime.date(2014, 12, 31)
    assert_id_rejected(RID, number, ERR_AREA_NOT_IN_USE, "area_not_in_use", today=today)
    validate_id_number(RID, number, today=datetime.date(2015, 1, 1))


@pytest.mark.parametrize("area", ["810000", "820000", "830000"])
def test_it_rejects_residence_permit_area_codes_on_a_resident_id(area):
    error = assert_id_rejected(
        RID, gb(area, "19900101"), ERR_AREA_HMT_ON_RESIDENT_ID, "area_hmt_on_resident_id"
    )
    assert "港澳台居民居住证" in str(error.message)


@pytest.mark.parametrize("area", ["710000", "710100", "710101"])
def test_it_rejects_taiwan_area_codes_on_a_resident_id(area):
    assert_id_rejected(RID, gb(area, "19900101"), ERR_AREA_TAIWAN, "area_taiwan")


# --- where our rule deliberately differs from stdnum.cn.ric ---------------------------------------


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (gb("110105", "19900101", "000"), "sequence_zero"),
        (gb("110105", "20990101"), "birth_date_future"),
        (gb("110000", "19900101"), "area_province_level"),
        (gb("110100", "19900101"), "area_grouping"),
    ],
)
def test_it_rejects_numbers_that_stdnum_accepts(number, code):
    assert stdnum_ric.is_valid(number)
    with pytest.raises(ValidationError) as info:
        validate_id_number(RID, number, today=TODAY)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        (RID, gb("110118", "19900101")),  # code created after the birth year
        (RP, gb("830000", "19900101")),  # stdnum has no 830000 at all
        (RP, gb("810000", "19900101")),  # stdnum's 810000 starts in 1997
    ],
)
def test_it_accepts_numbers_that_stdnum_rejects(id_type, number):
    validate_id_number(id_type, number, today=TODAY)
    assert not stdnum_ric.is_valid(number)


# --- 港澳台居民居住证 ----------------------------------------------------------------------------


@pytest.mark.parametrize("area", ["810000", "820000", "830000"])
@pytest.mark.parametrize(("birth", "seq"), [("19900101", "123"), ("20000229", "002")])
def test_it_accepts_residence_permits_for_hong_kong_macao_and_taiwan(area, birth, seq):
    validate_id_number(RP, gb(area, birth, seq), today=TODAY)


@pytest.mark.parametrize("area", ["110105", "810001", "840000", "710000", "800000"])
def test_it_rejects_a_residence_permit_with_another_area_code(area):
    number = gb(area, "19900101")
    assert_id_rejected(RP, number, ERR_RESIDENCE_PERMIT_AREA, "residence_permit_area")


@pytest.mark.parametrize(
    ("number", "message", "code"),
    [
        ("81000019900101123", ERR_RESIDENCE_PERMIT_FORMAT, "residence_permit_format"),
        ("8100001990010112345", ERR_RESIDENCE_PERMIT_FORMAT, "residence_permit_format"),
        ("81000019900101123x", ERR_RESIDENCE_PERMIT_FORMAT, "residence_permit_format"),
        (wrong_check(gb("810000", "19900101")), ERR_CHECK_CHARACTER, "check_character"),
        (gb("820000", "20230229"), ERR_BIRTH_DATE_INVALID, "birth_date_invalid"),
        (gb("830000", "20250101"), ERR_BIRTH_DATE_FUTURE, "birth_date_future"),
        (gb("830000", "18991231"), ERR_BIRTH_DATE_TOO_EARLY, "birth_date_too_early"),
        (gb("810000", "19900101", "000"), ERR_SEQUENCE_ZERO, "sequence_zero"),
    ],
)
def test_it_applies_the_gb_11643_rules_to_residence_permits(number, message, code):
    assert_id_rejected(RP, number, message, code)


# --- 港澳居民来往内地通行证 / 台湾居民来往大陆通行证 -------------------------------------------


@pytest.mark.parametrize("number", ["H12345678", "M12345678", "H00000001", "M98765432"])
def test_it_accepts_hkmo_permits(number):
    validate_id_number(HKMO, number, today=TODAY)


@pytest.mark.parametrize(
    "number",
    [
        "H1234567",
        "H123456789",
        "H1234567801",  # legacy form must be normalised first
        "A12345678",
        "12345678",
        "h12345678",
        "H1234567X",
        "HM1234567",
        "Ｈ12345678",
        "H１２３４５６７８",
    ],
)
def test_it_rejects_malformed_hkmo_permits(number):
    assert_id_rejected(HKMO, number, ERR_HKMO_PERMIT_FORMAT, "hkmo_permit_format")


def test_a_normalised_legacy_hkmo_permit_validates():
    validate_id_number(HKMO, normalize_id_number(HKMO, "h1234567801"), today=TODAY)


@pytest.mark.parametrize("number", ["12345678", "00000001", "87654321"])
def test_it_accepts_taiwan_permits(number):
    validate_id_number(TW, number, today=TODAY)


@pytest.mark.parametrize(
    "number", ["1234567", "123456789", "T1234567", "1234567X", "１２３４５６７８", "H12345678"]
)
def test_it_rejects_malformed_taiwan_permits(number):
    assert_id_rejected(TW, number, ERR_TW_PERMIT_FORMAT, "tw_permit_format")


# --- 护照 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "E12345678",  # PRC 2012–2017
        "EA1234567",  # PRC from 2017: E + letter + 7 digits
        "EH1234567",
        "EZ1234567",
        "G12345678",  # PRC before 2012
        "123456789",  # e.g. a US passport
        "C01X00T47",  # e.g. a German passport
        "X1234567",
        "AB123",  # 5 characters
        "A" * 17,  # 17 characters
        "E1234567",  # 8 characters: not the PRC layout, treated as foreign
        "E123456789",  # 10 characters: foreign
    ],
)
def test_it_accepts_passports(number):
    validate_id_number(PASSPORT, number, today=TODAY)


@pytest.mark.parametrize(
    "number", ["EI1234567", "EO1234567", "E1234567A", "G1234567A", "GA1234567", "EAB123456"]
)
def test_it_rejects_nine_character_e_or_g_passports_not_in_a_prc_layout(number):
    assert_id_rejected(PASSPORT, number, ERR_PASSPORT_PRC_FORMAT, "passport_prc_format")


@pytest.mark.parametrize(
    "number", ["AB12", "A" * 18, "E1234-567", "e12345678", "AB 12345", "ÄB12345", "ＡＢ12345"]
)
def test_it_rejects_malformed_passports(number):
    assert_id_rejected(PASSPORT, number, ERR_PASSPORT_FORMAT, "passport_format")


# --- 外国人永久居留身份证 ------------------------------------------------------------------------


def foreign_pr_2023(birth: str = "19900101", seq: str = "123") -> str:
    # 9 + issuing province 11 + nationality 840 + birth date + sequence + check character
    return gb("911840", birth, seq)


@pytest.mark.parametrize(
    "number", ["USA123456789012", "GBR000000000001", foreign_pr_2023(), foreign_pr_2023(seq="002")]
)
def test_it_accepts_both_forms_of_the_foreign_permanent_residence_card(number):
    validate_id_number(FPR, number, today=TODAY)


def test_it_accepts_a_2023_permanent_residence_card_ending_in_x():
    number = gb("911840", "19900101", seq_giving_x("911840", "19900101"))
    validate_id_number(FPR, number, today=TODAY)


@pytest.mark.parametrize(
    "number",
    [
        "US1234567890123",
        "USA12345678901",
        "USA1234567890123",
        "usa123456789012",
        "U5A123456789012",
        "811840199001011234",  # 18 digits not starting with 9
        "91184019900101123",  # 17 characters
        "9118401990010112X3",
    ],
)
def test_it_rejects_malformed_foreign_permanent_residence_cards(number):
    assert_id_rejected(FPR, number, ERR_FOREIGN_PR_FORMAT, "foreign_pr_format")


@pytest.mark.parametrize(
    ("number", "message", "code"),
    [
        (wrong_check(foreign_pr_2023()), ERR_CHECK_CHARACTER, "check_character"),
        (foreign_pr_2023("20230229"), ERR_BIRTH_DATE_INVALID, "birth_date_invalid"),
        (foreign_pr_2023("20990101"), ERR_BIRTH_DATE_FUTURE, "birth_date_future"),
    ],
)
def test_it_checks_the_2023_permanent_residence_card_like_gb_11643(number, message, code):
    assert_id_rejected(FPR, number, message, code)


# --- unknown types and junk ----------------------------------------------------------------------


@pytest.mark.parametrize("id_type", ["military", "", "RESIDENT_ID", None, 1])
def test_it_rejects_an_unknown_id_type(id_type):
    assert_id_rejected(id_type, "11010519491231002X", ERR_ID_TYPE_UNKNOWN, "id_type_unknown")


@pytest.mark.parametrize("id_type", IdType.values)
def test_it_asks_for_a_number_when_it_is_empty(id_type):
    assert_id_rejected(id_type, "", ERR_ID_NUMBER_REQUIRED, "id_number_required")


@pytest.mark.parametrize("id_type", IdType.values)
@pytest.mark.parametrize(
    "number",
    [None, 123, "\x00" * 18, "😀" * 18, "1" * 1000, "X" * 18, "\ud800" * 9, "0" * 18, "   "],
)
def test_validation_raises_only_validation_errors_on_junk(id_type, number):
    with pytest.raises(ValidationError):
        validate_id_number(id_type, number, today=TODAY)


def test_the_id_type_enum_member_and_its_string_value_are_interchangeable():
    validate_id_number("resident_id", "11010519491231002X", today=TODAY)
    validate_id_number(IdType.RESIDENT_ID, "11010519491231002X", today=TODAY)


def test_every_error_message_is_distinct():
    messages = [v for k, v in vars(identity).items() if k.startswith("ERR_")]
    assert len({str(m) for m in messages}) == len(messages)


# --- facts_from_id_number ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "number", "birth", "gender"),
    [
        (RID, "11010519491231002X", datetime.date(1949, 12, 31), "2"),
        (RID, gb("110105", "19900101", "123"), datetime.date(1990, 1, 1), "1"),
        (RID, gb("110105", "20000229", "998"), datetime.date(2000, 2, 29), "2"),
        (RID, gb("110105", "20000229", "001"), datetime.date(2000, 2, 29), "1"),
        (RP, gb("830000", "19851111", "457"), datetime.date(1985, 11, 11), "1"),
        (RP, gb("810000", "19851111", "450"), datetime.date(1985, 11, 11), "2"),
        (FPR, foreign_pr_2023("19700315", "009"), datetime.date(1970, 3, 15), "1"),
        (FPR, foreign_pr_2023("19700315", "010"), datetime.date(1970, 3, 15), "2"),
    ],
)
def test_it_reads_birth_date_and_gender_from_the_number(id_type, number, birth, gender):
    assert facts_from_id_number(id_type, number) == IdFacts(birth_date=birth, gender=gender)


def test_it_reads_facts_from_a_legacy_15_digit_number():
    facts = facts_from_id_number(RID, "110105491231002")
    assert facts == IdFacts(birth_date=datetime.date(1949, 12, 31), gender="2")


def test_it_reads_facts_from_a_lowercase_x_number():
    assert facts_from_id_number(RID, "11010519491231002x") is not None


@pytest.mark.parametrize(
    ("id_type", "number"),
    [
        (PASSPORT, "E12345678"),
        (HKMO, "H12345678"),
        (TW, "12345678"),
        (FPR, "USA123456789012"),
        (RID, gb("110105", "20230229")),
        (RID, gb("110105", "19901301")),
        (RID, "1101051990"),
        (RID, ""),
        (RID, None),
        (RID, "11010519900101ABCD"),
        ("unknown", "11010519491231002X"),
    ],
)
def test_it_returns_no_facts_for_types_without_them_or_unparsable_numbers(id_type, number):
    assert facts_from_id_number(id_type, number) is None


def test_id_facts_are_immutable():
    facts = IdFacts(birth_date=datetime.date(1990, 1, 1), gender="1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts.gender = "2"


# --- mask_id_number ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110105199001011234", "110***********1234"),
        ("11010519491231002X", "110***********002X"),
        ("USA123456789012", "USA********9012"),
        ("E12345678", "E12**5678"),
        ("12345678", "123*5678"),
        ("1234567", "1*****7"),
        ("H1234", "H***4"),
        ("123", "1*3"),
        ("12", "**"),
        ("1", "*"),
        ("", ""),
    ],
)
def test_it_masks_all_but_the_first_three_and_last_four_characters(number, masked):
    assert mask_id_number(number) == masked


@pytest.mark.parametrize("length", range(0, 25))
def test_masking_keeps_the_length_and_never_shows_more_than_seven_characters(length):
    number = "".join(str(i % 10) for i in range(1, length + 1))
    masked = mask_id_number(number)
    assert len(masked) == length
    assert sum(c != "*" for c in masked) <= min(7, max(length - 1, 0))


# --- normalize_person_name -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  张三  ", "张三"),
        ("\u3000张三\u3000", "张三"),
        ("José   María", "José María"),
        ("José\t\nMaría", "José María"),
        ("José\u00a0\u3000María", "José María"),
        ("Jose\u0301", "José"),  # NFC composes e + combining acute
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽\u30fb买买提", "阿依古丽·买买提"),
        ("阿依古丽\u2022买买提", "阿依古丽·买买提"),
        ("阿依古丽\uff65买买提", "阿依古丽·买买提"),
        ("阿依古丽\u2027买买提", "阿依古丽·买买提"),
        ("阿依古丽\u2219买买提", "阿依古丽·买买提"),
        ("阿依古丽\u22c5买买提", "阿依古丽·买买提"),
        ("阿依古丽\u0387买买提", "阿依古丽·买买提"),  # Greek ano teleia: NFC gives U+00B7
        ("阿依古丽\uff0e买买提", "阿依古丽\uff0e买买提"),  # full-width full stop is left alone
        ("𠀀", "𠀀"),
    ],
)
def test_it_normalises_person_names(raw, expected):
    assert normalize_person_name(raw) == expected


@pytest.mark.parametrize("raw", [None, "", "   ", "\x00", "😀", "\ud800", 42])
def test_normalising_a_name_never_raises(raw):
    assert isinstance(normalize_person_name(raw), str)


def test_a_name_with_look_alike_dots_validates_after_normalising():
    validate_person_name(normalize_person_name(" 阿依古丽\u30fb买买提 "))


# --- validate_person_name: accepted --------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "张三",
        "欧阳娜娜",
        "王𠀀",  # U+20000 CJK Extension B
        "李㐀",  # U+3400 Extension A
        "陈\U0002a700",  # Extension C
        "林\U0002b740",  # Extension D
        "黄\U0002b820",  # Extension E
        "赵\U0002ceb0",  # Extension F
        "周𰀀",  # U+30000 Extension G
        "吴\U00031350",  # Extension H
        "郑𮯠",  # U+2EBE0, the last Extension F ideograph
        "郑\U0002ebf0",  # Extension I (unassigned in Python 3.11's Unicode 14 tables)
        "郑\U0002ee5d",  # last Extension I ideograph
        "山﨑",  # U+FA11 compatibility ideograph without decomposition
        "吴\U0002f800",  # compatibility supplement
        "阿依古丽·买买提",
        "爱新觉罗·玄烨",
        "José María",
        "Anne-Marie O'Neil",
        "Nguyễn Văn An",
        "Zoë Ångström",
        "Ba\u0331rbara",  # combining macron below after a Latin letter
        "张Tom",
        "张" * 50,
    ],
)
def test_it_accepts_valid_person_names(name):
    validate_person_name(name)


# --- validate_person_name: rejected --------------------------------------------------------------


@pytest.mark.parametrize("name", ["", " ", "   ", None])
def test_it_rejects_an_empty_name(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_REQUIRED, code="name_required")


def test_it_rejects_a_name_longer_than_50_characters():
    error = assert_rejected(
        validate_person_name, "张" * 51, message=ERR_NAME_TOO_LONG, code="name_too_long"
    )
    assert error.params == {"limit": 50}


def test_a_name_of_fifty_extension_b_characters_counts_as_fifty():
    validate_person_name("𠀀" * 50)


@pytest.mark.parametrize(
    "name",
    [
        "张三😀",
        "😀",
        "李四\u2764\ufe0f",  # heart + emoji presentation selector
        "王\u2764",
        "赵\ufe0f",  # lone variation selector
        "钱1\ufe0f\u20e3",  # keycap sequence
        "孙\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family ZWJ sequence
        "周\U0001f1e8\U0001f1f3",  # flag
        "吴\U0001f44d\U0001f3fd",  # thumbs up with skin tone
        "郑\u2600",  # sun
        "王\u2b50",  # star
        "Anna\U0001f600",
    ],
)
def test_it_rejects_emoji_in_a_name(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_EMOJI, code="name_emoji")


@pytest.mark.parametrize(
    "name",
    [
        "张\x07三",
        "张\u200b三",  # zero-width space
        "张\u200d三",  # zero-width joiner
        "张\u200e三",  # left-to-right mark
        "张\ufeff三",  # BOM
        "张\t三",
        "张\x00",
        "\ue000张",  # private use
        "张\u0378",  # unassigned
        "张\ud800",  # lone surrogate
    ],
)
def test_it_rejects_control_and_invisible_characters_in_a_name(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_CONTROL, code="name_control")


@pytest.mark.parametrize("name", ["王五1", "张三２", "Anna3", "王Ⅲ", "李〇"])
def test_it_rejects_digits_in_a_name(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_DIGIT, code="name_digit")


@pytest.mark.parametrize("name", ["张+三", "张$三", "张^三", "张©三", "张¥三", "张=三", "张~三"])
def test_it_rejects_symbols_in_a_name(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_SYMBOL, code="name_symbol")


@pytest.mark.parametrize(
    ("name", "char"),
    [
        ("张_三", "_"),
        ("张,三", ","),
        ("张。三", "。"),
        ("阿依古丽\uff0e买买提", "\uff0e"),
        ("阿依古丽\u30fb买买提", "\u30fb"),  # look-alike dot not normalised
        ("Иван", "И"),
        ("김철수", "김"),
        ("あき", "あ"),
        ("张\u00a0三", "\u00a0"),  # unnormalised no-break space
        ("\u0301张", "\u0301"),  # combining mark not after a Latin letter
        ("张\u0301", "\u0301"),
    ],
)
def test_it_rejects_other_characters_and_names_the_character(name, char):
    error = assert_rejected(
        validate_person_name, name, message=ERR_NAME_CHARACTER, code="name_character"
    )
    assert error.params == {"char": char}


@pytest.mark.parametrize("name", ["-", "'", "- '", "--", "·", "· ·"])
def test_it_rejects_a_name_without_any_letter(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_NO_LETTER, code="name_no_letter")


@pytest.mark.parametrize("name", ["·阿依古丽", "阿依古丽·", "·张·", "· 张"])
def test_it_rejects_a_name_starting_or_ending_with_a_middle_dot(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_DOT_EDGE, code="name_dot_edge")


@pytest.mark.parametrize("name", ["阿依古丽··买买提", "A··B"])
def test_it_rejects_two_middle_dots_in_a_row(name):
    assert_rejected(validate_person_name, name, message=ERR_NAME_DOT_REPEAT, code="name_dot_repeat")


@pytest.mark.parametrize(
    ("message", "text"),
    [
        (ERR_NAME_EMOJI, "姓名不能包含表情符号"),
        (ERR_NAME_CONTROL, "姓名不能包含控制字符或不可见字符"),
    ],
)
def test_name_messages_say_clearly_what_is_wrong(message, text):
    assert str(message) == text
