"""在线验证码: 16 Crockford base32 characters starting with S; forgiving input."""

from __future__ import annotations

import pytest

from verification import codes


def test_ten_thousand_codes_are_unique_and_well_formed():
    generated = [codes.new_code() for _ in range(10_000)]
    assert len(set(generated)) == 10_000
    assert all(codes.is_valid_code(code) for code in generated)


def test_a_code_never_contains_i_l_o_or_u():
    text = "".join(codes.new_code() for _ in range(2_000))
    assert not set(text) & set("ILOU")


@pytest.mark.parametrize(
    "typed",
    ["sabc defg hjkm npqr", "SABC-DEFG-HJKM-NPQR", " SABCDEFGHJKMNPQR ", "SABC\tDEFG HJKM-NPQR"],
)
def test_case_spaces_and_dashes_are_ignored(typed):
    assert codes.normalize_code(typed) == "SABCDEFGHJKMNPQR"


def test_look_alike_letters_read_as_digits():
    assert codes.normalize_code("SOIL 0000 0000 0000") == "S011000000000000"


@pytest.mark.parametrize(
    "bad", ["ABCDEFGHJKMNPQRS", "SABC", "SABCDEFGHJKMNPQU", "SABCDEFGHJKMNPQRS"]
)
def test_codes_of_the_wrong_shape_are_invalid(bad):
    assert not codes.is_valid_code(codes.normalize_code(bad))


def test_a_code_is_shown_in_groups_of_four():
    assert codes.group("SABCDEFGHJKMNPQR") == "SABC DEFG HJKM NPQR"
