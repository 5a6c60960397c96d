"""Chosen fields: the student may leave 证件号码, 出生年月, 民族 and the photo out of a report.

A hidden field is absent from everything a holder of the code gets (page, print, PDF, API,
the signed bytes); the report says 本人选择不显示 in its place, and the signature covers that.
"""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader

from records.masking import public_birth_month, public_id_mask
from verification import presentation, services, signing
from verification.models import VerificationReport

pytestmark = pytest.mark.django_db

HIDDEN_ZH = "本人选择不显示"
HIDDEN_EN = "Hidden by the holder"


def issue(client, master, **shown: str):
    data = {"record": f"xueji:{master.public_id}", "months": "1", "consent": "on", **shown}
    return client.post("/archive/reports/", data)


@pytest.fixture
def hidden_report(student, master) -> VerificationReport:
    """Every hideable field and the photo hidden."""
    return services.report_issue(
        owner=student,
        record=master,
        show_photo=False,
        hidden_fields=services.HIDEABLE_FIELDS,
    )


def secrets_of(person) -> dict[str, str]:
    """The values a report hiding everything must not give away, in every form shown."""
    masked = public_id_mask(person.id_type, person.id_number, person.birth_date, person.gender)
    month = public_birth_month(person.birth_date)
    return {
        "full ID number": person.id_number,
        "masked ID number": masked,
        "birth month": month,
        "birth month (zh)": f"{person.birth_date:%Y年%m月}",
        "ethnicity": person.get_ethnicity_display(),
    }


def assert_none_in(text: str, person) -> None:
    leaked = [name for name, value in secrets_of(person).items() if value in text]
    assert not leaked, f"hidden values leaked: {leaked}"


def test_the_issue_form_offers_each_field_to_hide(student_client):
    html = student_client.get("/archive/reports/").content.decode()
    for name in ("show_photo", "show_id_number", "show_birth_date", "show_ethnicity"):
        assert f'name="{name}"' in html


def test_unticked_fields_are_recorded_as_hidden(student_client, master):
    issue(student_client, master, show_photo="on", show_birth_date="on")
    report = VerificationReport.objects.get()
    assert report.hidden_fields == ["ethnicity", "id_number"]
    assert report.payload["hidden"] == ["ethnicity", "id_number"]


def test_ticked_fields_are_shown_as_before(student_client, master, student):
    issue(student_client, master, show_photo="on", show_id_number="on", show_birth_date="on",
          show_ethnicity="on")  # fmt: skip
    subject = VerificationReport.objects.get().payload["subject"]
    assert subject["ethnicity"] == student.person.ethnicity
    assert "id_number" in subject


def test_the_signed_bytes_hold_no_hidden_value(hidden_report, student):
    signed = signing.canonical(hidden_report.signed_payload).decode()
    assert_none_in(signed, student.person)
    assert not {"id_number", "birth_date", "ethnicity"} & set(hidden_report.payload["subject"])


def test_the_api_holds_no_hidden_value_and_lists_what_is_hidden(client, hidden_report, student):
    response = client.get(f"/api/v1/reports/{hidden_report.code}")
    assert_none_in(response.content.decode(), student.person)
    hidden = response.json()["data"]["hidden"]
    assert hidden == ["birth_date", "ethnicity", "id_number", "photo"]


def test_the_api_signature_covers_the_hidden_list(client, hidden_report):
    document = client.get(f"/api/v1/reports/{hidden_report.code}").json()
    jwks = client.get("/.well-known/jwks.json").json()
    assert signing.verify(document["data"], document["signature"], jwks)
    document["data"]["hidden"].remove("id_number")
    assert not signing.verify(document["data"], document["signature"], jwks)


def test_the_page_says_hidden_by_the_holder_and_holds_no_hidden_value(
    client, hidden_report, student
):
    html = client.get(f"/verify/{hidden_report.code}/").content.decode()
    assert_none_in(html, student.person)
    # 出生年月, 民族, 证件号码 and the photo
    assert html.count(HIDDEN_ZH) == 4
    assert "photo.jpg" not in html


def test_the_english_page_says_hidden_by_the_holder(client, hidden_report, student):
    html = client.get(f"/verify/{hidden_report.code}/?lang=en").content.decode()
    assert html.count(HIDDEN_EN) == 4
    assert HIDDEN_ZH not in html


def test_the_print_view_holds_no_hidden_value(client, hidden_report, student):
    html = client.get(f"/verify/{hidden_report.code}/print/").content.decode()
    assert_none_in(html, student.person)
    assert HIDDEN_ZH in html


def test_the_pdf_holds_no_hidden_value(client, hidden_report, student):
    content = client.get(f"/verify/{hidden_report.code}/report.pdf").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert_none_in(text, student.person)
    assert text.count(HIDDEN_ZH) == 4


def test_the_owners_pdf_holds_no_hidden_value(student_client, hidden_report, student):
    content = student_client.get(f"/archive/reports/{hidden_report.public_id}/report.pdf").content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert_none_in(text, student.person)


def test_a_hidden_photo_is_not_served(client, hidden_report):
    assert client.get(f"/verify/{hidden_report.code}/photo.jpg").status_code == 404


def test_the_stored_row_holds_no_hidden_value(hidden_report, student):
    stored = json.dumps(hidden_report.payload, ensure_ascii=False) + hidden_report.signature
    assert_none_in(stored, student.person)


def test_extension_keeps_the_fields_hidden(student_client, hidden_report, student):
    student_client.post(f"/archive/reports/{hidden_report.public_id}/extend/", {"months": "2"})
    hidden_report.refresh_from_db()
    assert_none_in(signing.canonical(hidden_report.signed_payload).decode(), student.person)
    assert "id_number" in hidden_report.payload["hidden"]


def test_a_diploma_report_can_hide_the_birth_date(student, people):
    qualification = people["张测试"].qualifications.get()
    report = services.report_issue(
        owner=student, record=qualification, hidden_fields=["birth_date", "ethnicity"]
    )
    # A 学历 report shows no 民族 anyway, so only the birth date is listed as hidden.
    assert report.payload["hidden"] == ["birth_date"]
    assert "birth_date" not in report.payload["subject"]


def test_the_owner_sees_what_was_hidden_in_the_consent_record(student_client, master):
    response = issue(student_client, master, show_photo="on", show_birth_date="on",
                     show_ethnicity="on")  # fmt: skip
    html = student_client.get(response["Location"]).content.decode()
    assert "不显示：证件号码" in html


def test_only_hideable_fields_can_be_hidden(student, master):
    with pytest.raises(ValueError):
        services.report_issue(owner=student, record=master, hidden_fields=["name"])


def test_reports_issued_before_keep_their_rows(report):
    """A v1 payload (no "hidden" list) still renders every field."""
    old = {key: value for key, value in report.payload.items() if key != "hidden"}
    assert not any(row.hidden for row in presentation.rows(old))
