"""How the archive pages read: English pages carry no Chinese dates, lists or brackets; the
学历 tab shows the 学籍's 学历照片; 图像校对 refuses placeholders and keeps a choice that needs a
comment; the layout keeps the real page's order."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.html import escape

from records import display
from records.archive import ERR_BIND_FAILED
from records.forms import ERR_NO_PHOTO, ERR_WRONG_NEEDS_COMMENT
from records.models import DegreeAward, Enrollment, PhotoReview

pytestmark = pytest.mark.django_db

CHINESE_DATE = re.compile(r"\d{4}年\d{2}月\d{2}日")


def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


def test_the_correction_form_shows_english_dates_and_lists(student_client, master):
    html = (
        english(student_client)
        .get(f"/archive/corrections/new/?record=enrollment:{master.public_id}")
        .content.decode()
    )

    assert not CHINESE_DATE.search(html)
    assert "1998-03-07" in html
    assert "、" not in html
    assert "（" not in html


def test_the_report_picker_reads_in_english(student_client, master):
    html = english(student_client).get("/archive/reports/").content.decode()

    assert ">1 month<" in html
    assert ">2 months<" in html
    assert "month(s)" not in html
    assert (
        f"Enrolment · 中山大学 · Master&#x27;s student · 社会保障 · {master.student_number}" in html
    )


def test_a_degree_title_is_english_on_english_pages(people):
    degree = DegreeAward.objects.first()
    with translation.override("en"):
        title = display.degree_title(degree)
    assert title.startswith("Bachelor of ")
    assert "Bachelor" in title
    assert "学士" not in title


def test_the_archive_home_counts_in_english(student_client):
    html = english(student_client).get("/archive/").content.decode()

    assert "enrolments</span>" in html
    assert ">Enrolment</span>" not in html


def test_the_bind_failure_message_follows_the_reader(student_client, school_b):
    response = english(student_client).post(
        "/archive/bind/", {"school": school_b.pk, "student_number": "000", "entry_year": 2019}
    )
    with translation.override("en"):
        expected = str(ERR_BIND_FAILED)
    assert expected.startswith("This enrolment could not be linked")
    assert escape(expected) in response.content.decode()


def test_the_xueli_tab_shows_the_diploma_photo_of_the_enrolment(student_client, people):
    html = student_client.get("/archive/xueli/").content.decode()
    bachelor = Enrollment.objects.get(student_number="1601100051")

    assert f"/archive/photos/enrollment/{bachelor.public_id}/diploma.jpg" in html
    assert "暂无照片" not in html


def test_the_xueji_page_puts_the_bind_links_beside_the_count(student_client):
    html = student_client.get("/archive/xueji/").content.decode()
    row = html[html.index('class="archive-summary-row"') :]

    assert row.index("您一共有 2 个学籍") < row.index("尝试绑定学籍") < row.index("学籍查询范围")
    assert row.index("学籍查询范围") < row.index('class="record-card"')


def test_the_photos_come_before_the_fields_admission_first(student_client):
    html = student_client.get("/archive/xueji/").content.decode()
    card = html[html.index('class="record-card"') :]

    assert card.index("admission.jpg") < card.index("diploma.jpg") < card.index("record-fields")


def test_a_placeholder_photo_cannot_be_marked_wrong(student_client, master):
    Enrollment.objects.filter(pk=master.pk).update(diploma_photo="")
    response = student_client.post("/archive/photo-review/", {
        "enrollment": str(master.public_id), "kind": "diploma", "verdict": "wrong",
        "comment": "没有照片",
    })  # fmt: skip

    assert response.status_code == 400
    assert str(ERR_NO_PHOTO) in response.content.decode()
    assert not PhotoReview.objects.exists()


def test_the_placeholder_has_no_review_form(student_client, master):
    Enrollment.objects.filter(pk=master.pk).update(diploma_photo="")
    html = student_client.get("/archive/photo-review/").content.decode()

    assert html.count('name="verdict" value="wrong"') == 3  # four photos, one missing


def test_a_missing_comment_keeps_the_choice_and_is_shown_at_the_field(student_client, master):
    response = student_client.post("/archive/photo-review/", {
        "enrollment": str(master.public_id), "kind": "admission", "verdict": "wrong",
        "comment": "",
    })  # fmt: skip
    html = response.content.decode()

    assert response.status_code == 400
    assert 'value="wrong" checked' in html
    error_id = re.search(r'aria-describedby="(comment-[^"]+-error)"', html).group(1)
    assert f'id="{error_id}">{ERR_WRONG_NEEDS_COMMENT}<' in html
    assert 'class="alert' not in html.split("</header>", 1)[1].split("photo-review-grid")[0]


def test_graduate_study_can_be_registered_as_yanjiusheng(master):
    master.category = "研究生"
    master.full_clean()
    master.save()

    assert Enrollment.objects.get(pk=master.pk).get_category_display() == "研究生"
