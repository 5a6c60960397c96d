"""The student's own reports: issue, extend (same code), close, 查验记录, others' are 404."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from pypdf import PdfReader

from verification import services
from verification.models import VerificationReport

pytestmark = pytest.mark.django_db


def issue(client, token: str, months: str = "1", photo: bool = True):
    data = {"record": token, "months": months, "consent": "on"}
    if photo:
        data["show_photo"] = "on"
    return client.post("/archive/reports/", data)


def test_a_report_is_issued_from_a_record(student_client, master):
    response = issue(student_client, f"xueji:{master.public_id}", months="3")
    report = VerificationReport.objects.get()
    assert response["Location"] == f"/archive/reports/{report.public_id}/"
    assert report.valid_until == services.add_months(timezone.localdate(), 3)


def test_the_record_card_link_preselects_the_record(student_client, master):
    html = student_client.get(f"/archive/reports/?record=xueji:{master.public_id}").content.decode()
    assert re.search(rf'value="xueji:{master.public_id}"\s+selected', html)


def test_validity_outside_one_to_six_months_is_refused(student_client, master):
    issue(student_client, f"xueji:{master.public_id}", months="7")
    assert not VerificationReport.objects.exists()


def test_another_students_record_cannot_be_chosen(student_client, people):
    other = people["李另一"].enrollments.get()
    issue(student_client, f"xueji:{other.public_id}")
    assert not VerificationReport.objects.exists()


def test_at_most_three_live_reports_per_record(student_client, master):
    for _ in range(4):
        issue(student_client, f"xueji:{master.public_id}")
    assert VerificationReport.objects.count() == 3


def test_a_closed_report_frees_a_place(student_client, student, master):
    for _ in range(3):
        services.report_issue(owner=student, record=master)
    services.report_close(report=VerificationReport.objects.first(), reason="x")
    issue(student_client, f"xueji:{master.public_id}")
    assert VerificationReport.objects.count() == 4


def test_the_detail_page_shows_the_code_in_groups_and_a_qr_code(student_client, report):
    html = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    assert report.grouped_code in html
    assert "<svg" in html


def test_extension_keeps_the_code_and_moves_the_date(student_client, report):
    student_client.post(f"/archive/reports/{report.public_id}/extend/", {"months": "6"})
    extended = VerificationReport.objects.get()
    expected = services.add_months(timezone.localdate(), 6)
    assert (extended.code, extended.valid_until) == (report.code, expected)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 11, 28), 2, datetime.date(2027, 1, 28)),
    ],
)
def test_months_are_calendar_months(day, months, expected):
    assert services.add_months(day, months) == expected


def test_extension_re_signs_the_new_data(student_client, report):
    from verification import signing

    student_client.post(f"/archive/reports/{report.public_id}/extend/", {"months": "2"})
    extended = VerificationReport.objects.get()
    assert extended.payload["valid_until"] == extended.valid_until.isoformat()
    assert signing.verify(extended.signed_payload, extended.signature, signing.jwks())


def test_an_expired_report_cannot_be_extended(student_client, report):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):
        student_client.post(f"/archive/reports/{report.public_id}/extend/", {"months": "1"})
    assert VerificationReport.objects.get().valid_until == report.valid_until


def test_closing_needs_a_reason_and_is_immediate(student_client, client_factory, report):
    student_client.post(f"/archive/reports/{report.public_id}/close/", {"reason": ""})
    assert VerificationReport.objects.get().closed_at is None
    student_client.post(f"/archive/reports/{report.public_id}/close/", {"reason": "已入职"})
    assert client_factory().get(f"/verify/{report.code}/").status_code == 404


def test_mutations_are_post_only(student_client, report):
    assert student_client.get(f"/archive/reports/{report.public_id}/close/").status_code == 405
    assert student_client.get(f"/archive/reports/{report.public_id}/extend/").status_code == 405


def test_another_student_cannot_see_extend_or_close_my_report(other_student_client, report):
    base = f"/archive/reports/{report.public_id}/"
    assert other_student_client.get(base).status_code == 404
    assert other_student_client.post(base + "extend/", {"months": "6"}).status_code == 404
    assert other_student_client.post(base + "close/", {"reason": "x"}).status_code == 404
    assert VerificationReport.objects.get().closed_at is None


def test_the_owner_sees_the_lookups(student_client, client_factory, report):
    client_factory().get(f"/verify/{report.code}/", REMOTE_ADDR="192.0.2.9")
    html = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    assert "192.0.2.0/24" in html
    assert "二维码" in html


def test_the_pdf_holds_the_code_and_chinese_text(client, report, tmp_path):
    response = client.get(f"/verify/{report.code}/report.pdf")
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = PdfReader(path).pages[0].extract_text()
    assert response["Content-Type"] == "application/pdf"
    assert report.grouped_code in text
    assert "中山大学" in text
    assert "学籍在线验证报告" in text


def test_the_pdf_embeds_its_font(client, report):
    content = client.get(f"/verify/{report.code}/report.pdf").content
    assert b"/FontFile2" in content


def test_the_print_view_is_a_standalone_page(client, report):
    html = client.get(f"/verify/{report.code}/print/").content.decode()
    assert "site-header" not in html
    assert report.grouped_code in html
