"""省份/城市 choices come from GB/T 2260: current divisions only, grouped by province."""

from __future__ import annotations

from surveys import regions


def codes_of(province: str) -> dict[str, str]:
    return {city.code: city.name for city in regions.cities() if city.province == province}


def test_prefecture_level_cities_are_listed_under_their_province():
    guangdong = codes_of("44")
    assert guangdong["440100"] == "广州市"
    assert guangdong["441900"] == "东莞市"


def test_renamed_and_abolished_divisions_use_todays_name_or_are_left_out():
    hubei = codes_of("42")
    assert hubei["420600"] == "襄阳市"
    assert "422100" not in hubei


def test_directly_administered_county_level_cities_are_listed():
    assert codes_of("42")["429004"] == "仙桃市"
    assert "419001" in codes_of("41")


def test_municipalities_and_hong_kong_are_one_entry_each():
    assert codes_of("11") == {"110000": ""}
    assert codes_of("81") == {"810000": ""}


def test_grouping_rows_are_never_choices():
    names = {city.name for city in regions.cities()}
    assert not names & {"市辖区", "县", "省直辖县级行政单位"}


def test_every_city_code_is_six_digits_and_unique():
    codes = [city.code for city in regions.cities()]
    assert len(codes) == len(set(codes))
    assert all(len(c) == 6 and c.isdigit() for c in codes)


def test_labels_name_the_province():
    assert regions.city_label("440300") == "广东省 深圳市"
    assert regions.city_label("310000") == "上海市"
