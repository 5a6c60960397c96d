"""Masking that masks: what a report shows together leaves at least 10,000 ID numbers.

Brute force on the demo data: for every demo person, a report of each of their records is
issued, and every ID number that agrees with what the public page, the PDF and the API show
(masked ID, birth month, sex) is listed by trying each area code, day and sequence number and
building each full number (check character included). Counting stops at 10,000.
"""

from __future__ import annotations

import calendar
import datetime
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from records.identity import IdType, gb11643_check_character, validate_id_number
from records.masking import MIN_CANDIDATES, area_codes, candidates, public_id_mask
from records.models import Person
from verification import services

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643 / ISO 7064 MOD 11-2
CHECK_CHARACTERS = "10X98765432"


def brute_force(id_type: str, shown: str, birth_month: str, gender: str) -> tuple[int, set[str]]:
    """Numbers the full identity rule accepts that fit what is shown, up to MIN_CANDIDATES."""
    year, month = (int(part) for part in birth_month.split("-"))
    if id_type not in (IdType.RESIDENT_ID, IdType.RESIDENCE_PERMIT):
        return 10 ** shown.count("*"), set()

    def fits(text: str, at: int) -> bool:
        return all(s in ("*", c) for s, c in zip(shown[at : at + len(text)], text, strict=True))

    def weighted(digits: str, at: int) -> int:
        return sum(int(d) * w for d, w in zip(digits, WEIGHTS[at:], strict=False))

    tails = [
        (tail, weighted(tail, 14))
        for tail in (f"{n:03d}" for n in range(int(gender == "1"), 1000, 2))
        if fits(tail, 14) and tail != "000"
    ]
    dates = [
        (date, weighted(date, 6))
        for date in (f"{year:04d}{month:02d}{day:02d}"
                     for day in range(1, calendar.monthrange(year, month)[1] + 1))
    ]  # fmt: skip
    found: set[str] = set()
    for area in area_codes(id_type, year):  # every code the area rule accepts for that year
        if not fits(area, 0):
            continue
        area_sum = weighted(area, 0)
        for date, date_sum in dates:
            for tail, tail_sum in tails:
                check = CHECK_CHARACTERS[(area_sum + date_sum + tail_sum) % 11]
                if shown[17] not in ("*", check):
                    continue
                number = area + date + tail + check
                if len(found) % 97 == 0:
                    validate_id_number(id_type, number)  # spot check: the full rule agrees
                    assert gb11643_check_character(number[:17]) == check
                found.add(number)
                if len(found) >= MIN_CANDIDATES:
                    return len(found), found
    return len(found), found


@pytest.fixture
def demo_reports(settings, tmp_path):
    call_command("seed_demo", allow_demo_logins=True, stdout=io.StringIO())
    from accounts.models import User

    owner = User.objects.get(phone="13800000001")
    reports = []
    for person in Person.objects.prefetch_related("enrollments", "qualifications", "degrees"):
        for record in [*person.enrollments.all(), *person.qualifications.all(),
                       *person.degrees.all()][:1]:  # fmt: skip
            reports.append((person, services.report_issue(owner=owner, record=record)))
    return reports


def test_every_demo_report_leaves_ten_thousand_candidates(demo_reports):
    assert len(demo_reports) >= 50
    for person, report in demo_reports:
        subject = report.payload["subject"]
        shown = subject["id_number"]
        # What is shown is true of the person (so the person is among the candidates) ...
        assert all(s in ("*", c) for s, c in zip(shown, person.id_number, strict=True))
        assert subject["birth_date"] == f"{person.birth_date:%Y-%m}"
        # ... and true of at least 10,000 numbers.
        count, _found = brute_force(person.id_type, shown, subject["birth_date"], subject["gender"])
        assert count >= MIN_CANDIDATES, (person.name, shown, count)


def test_the_old_display_left_a_handful(people):
    """The finding: 450***********1312 next to the full birth date and the sex."""
    zhang = people["张测试"]
    old = zhang.id_number[:3] + "*" * 11 + zhang.id_number[-4:]
    day = zhang.birth_date
    left = candidates(id_type=zhang.id_type, shown=old, birth_year=day.year,
                      birth_month=day.month, birth_day=day.day, gender=zhang.gender)  # fmt: skip
    assert left < 100


def test_the_counter_agrees_with_the_brute_force(people):
    zhang = people["张测试"]
    shown = "*" * 14 + zhang.id_number[-4:]
    counted = candidates(id_type=zhang.id_type, shown=shown, birth_year=1998, birth_month=3,
                         birth_day=None, gender=zhang.gender)  # fmt: skip
    brute, _found = brute_force(zhang.id_type, shown, "1998-03", zhang.gender)
    assert counted >= MIN_CANDIDATES
    assert brute >= MIN_CANDIDATES


def test_hong_kong_residence_permits_show_no_digit():
    number = "810000199803070517"[:17]
    number += gb11643_check_character(number)
    assert public_id_mask(IdType.RESIDENCE_PERMIT, number, datetime.date(1998, 3, 7), "1") == (
        "*" * 18
    )


def test_the_pdf_and_the_api_show_the_same_masked_fields(client, report, student):
    pdf = client.get(f"/verify/{report.code}/report.pdf").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    api = client.get(f"/api/v1/reports/{report.code}").json()["data"]["subject"]
    birth = student.person.birth_date
    assert f"{birth:%Y年%m月%d日}" not in text
    assert f"{birth:%Y年%m月}" in text
    assert api["birth_date"] == f"{birth:%Y-%m}"
    assert api["id_number"].startswith("*" * 10)
    assert student.id_number[:3] not in api["id_number"]
