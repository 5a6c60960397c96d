"""出具对象验证码: one code per recipient of a report, each with its label, validity and log."""

from __future__ import annotations

import datetime
import io
import logging
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from verification import forms, recipients, services, signing
from verification.models import RecipientCode, VerificationEvent
from xuexin.refused import Refused

pytestmark = pytest.mark.django_db


def add(client, report, label: str = "甲公司", valid_until: datetime.date | None = None,
        note: str = ""):  # fmt: skip
    day = valid_until or report.valid_until
    data = {"label": label, "note": note, "valid_until": day.isoformat()}
    return client.post(f"/archive/reports/{report.public_id}/recipients/", data)


def make(report, label: str = "甲公司", **extra: Any) -> RecipientCode:
    extra.setdefault("valid_until", report.valid_until)
    return recipients.recipient_issue(report=report, label=label, **extra)


def page(client, code: str, **query: str) -> str:
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return client.get(f"/verify/{code}/{suffix}").content.decode()


def test_the_student_makes_a_code_for_a_recipient(student_client, report):
    response = add(student_client, report, label="  甲 公司 ", note="投递 Java 岗")
    recipient = RecipientCode.objects.get()
    assert response["Location"] == f"/archive/reports/{report.public_id}/"
    assert (recipient.label, recipient.note) == ("甲 公司", "投递 Java 岗")


def test_the_report_page_lists_the_codes_with_their_forms(student_client, report):
    recipient = make(report)
    html = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    assert recipient.grouped_code in html
    assert "甲公司" in html
    assert f"/recipients/{recipient.public_id}/close/" in html


def test_the_owners_forms_never_carry_a_code_in_their_urls(student_client, report):
    recipient = make(report)
    html = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    actions = [part.split('"')[0] for part in html.split('action="')[1:]]
    assert actions
    assert not [a for a in actions if recipient.code in a or report.code in a]


def test_the_code_is_kept_as_a_digest_and_a_sealed_copy(report):
    recipient = make(report)
    row = RecipientCode.objects.values().get()
    assert recipient.code not in str(row)
    assert row["code_digest"] != recipient.code
    assert RecipientCode.objects.get().code == recipient.code


def test_the_public_page_says_whom_it_was_issued_for(client, report):
    recipient = make(report, label="乙科技有限公司")
    assert "出具对象：<strong>乙科技有限公司</strong>" in page(client, recipient.code)


def test_the_english_page_says_issued_for(client, report):
    recipient = make(report, label="Acme Ltd")
    html = page(client, recipient.code, lang="en")
    assert "Issued for: <strong>Acme Ltd</strong>" in html
    assert "出具对象" not in html


def test_the_main_code_shows_no_recipient(client, report):
    make(report)
    assert "出具对象" not in page(client, report.code)


def test_the_note_is_never_public(client, report):
    recipient = make(report, note="私人备注")
    assert "私人备注" not in page(client, recipient.code)
    assert "私人备注" not in client.get(f"/api/v1/reports/{recipient.code}").content.decode()


def test_the_api_data_is_signed_with_the_label_and_own_validity(client, report):
    recipient = make(report, valid_until=timezone.localdate() + datetime.timedelta(days=3))
    document = client.get(f"/api/v1/reports/{recipient.code}").json()
    jwks = client.get("/.well-known/jwks.json").json()
    assert document["data"]["recipient"] == "甲公司"
    assert document["data"]["code"] == recipient.code
    assert document["data"]["valid_until"] == recipient.valid_until.isoformat()
    assert signing.verify(document["data"], document["signature"], jwks)


def test_a_changed_label_fails_verification(client, report):
    recipient = make(report)
    document = client.get(f"/api/v1/reports/{recipient.code}").json()
    jwks = client.get("/.well-known/jwks.json").json()
    document["data"]["recipient"] = "丙公司"
    assert not signing.verify(document["data"], document["signature"], jwks)


def test_a_closed_code_fails_while_its_siblings_and_the_main_code_work(
    client, student_client, report
):
    closed, sibling = make(report, label="甲公司"), make(report, label="乙公司")
    student_client.post(f"/archive/reports/{report.public_id}/recipients/{closed.public_id}/close/")
    anonymous = Client()
    assert anonymous.get(f"/verify/{closed.code}/").status_code == 404
    assert anonymous.get(f"/api/v1/reports/{closed.code}").status_code == 404
    assert anonymous.get(f"/verify/{sibling.code}/").status_code == 200
    assert anonymous.get(f"/verify/{report.code}/").status_code == 200


def test_a_closed_code_gets_the_generic_answer(client, report):
    recipient = make(report)
    recipients.recipient_close(recipient=recipient)
    unknown = client.get("/verify/SAAAAAAAAAAAAAAAAAAA/")
    closed = client.get(f"/verify/{recipient.code}/")
    assert closed.status_code == unknown.status_code == 404
    assert closed.templates[0].name == unknown.templates[0].name == "verification/not_found.html"


def test_closing_the_report_closes_every_recipient_code(client, report):
    recipient = make(report)
    services.report_close(report=report, reason="不再需要")
    assert client.get(f"/verify/{recipient.code}/").status_code == 404


def test_each_code_keeps_its_own_lookup_log(client, report):
    first, second = make(report, label="甲公司"), make(report, label="乙公司")
    client.get(f"/verify/{first.code}/")
    client.get(f"/api/v1/reports/{first.code}")
    client.get(f"/verify/{report.code}/")
    assert first.events.count() == 2
    assert second.events.count() == 0
    assert VerificationEvent.objects.filter(recipient__isnull=True).count() == 1


def test_a_look_at_a_closed_code_is_logged_as_closed(client, report):
    recipient = make(report)
    recipients.recipient_close(recipient=recipient)
    client.get(f"/verify/{recipient.code}/")
    assert recipient.events.get().outcome == VerificationEvent.Outcome.CLOSED


def test_the_owner_sees_each_codes_log(student_client, client_factory, report):
    recipient = make(report, label="甲公司")
    client_factory().get(f"/verify/{recipient.code}/", REMOTE_ADDR="198.51.100.23")
    html = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    assert "198.51.100.0/24" in html
    assert "查验 1 次" in html


def test_a_code_expires_on_its_own_day(client, report):
    today = timezone.localdate()
    recipient = make(report, valid_until=today + datetime.timedelta(days=2))
    with time_machine.travel(today + datetime.timedelta(days=3), tick=False):
        assert client.get(f"/verify/{recipient.code}/").status_code == 404
        assert client.get(f"/verify/{report.code}/").status_code == 200


def test_the_validity_cannot_pass_the_reports(student_client, report):
    response = add(student_client, report, valid_until=report.valid_until + datetime.timedelta(1))
    message = forms.ERR_VALIDITY_AFTER_REPORT % {"date": report.valid_until.isoformat()}
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RecipientCode.objects.exists()


def test_the_validity_cannot_be_in_the_past(student_client, report):
    response = add(student_client, report, valid_until=timezone.localdate() - datetime.timedelta(1))
    assert str(forms.ERR_VALIDITY_PAST) in response.content.decode()
    assert not RecipientCode.objects.exists()


def test_a_malformed_date_is_a_form_error_not_a_500(student_client, report):
    data = {"label": "甲公司", "valid_until": "2026-02-31"}
    response = student_client.post(f"/archive/reports/{report.public_id}/recipients/", data)
    assert response.status_code == 400
    assert not RecipientCode.objects.exists()


def test_a_label_with_emoji_is_refused(student_client, report):
    response = add(student_client, report, label="甲公司😀")
    assert str(forms.ERR_LABEL_CHARACTERS) in response.content.decode()
    assert not RecipientCode.objects.exists()


def test_an_empty_label_is_refused(student_client, report):
    assert add(student_client, report, label="   ").status_code == 400
    assert not RecipientCode.objects.exists()


def test_the_english_form_error_is_english(student_client, report, settings):
    from django.utils import translation

    student_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = add(student_client, report, label="甲公司😀")
    with translation.override("en"):
        expected = str(forms.ERR_LABEL_CHARACTERS)
    assert expected.isascii()
    assert expected in response.content.decode()


def test_at_most_ten_codes_per_report_closed_ones_included(student_client, report):
    for n in range(recipients.MAX_RECIPIENTS_PER_REPORT):
        recipients.recipient_close(recipient=make(report, label=f"公司{n}"))
    response = add(student_client, report, label="第十一家")
    message = recipients.ERR_TOO_MANY_RECIPIENTS % {"limit": recipients.MAX_RECIPIENTS_PER_REPORT}
    assert message in response.content.decode()
    assert RecipientCode.objects.count() == recipients.MAX_RECIPIENTS_PER_REPORT


def test_at_most_twenty_new_codes_a_day_per_account(student_client, student, master):
    reports = [services.report_issue(owner=student, record=master) for _ in range(3)]
    for n in range(recipients.MAX_NEW_RECIPIENTS_PER_DAY):
        make(reports[n // 10], label=f"公司{n}")
    response = add(student_client, reports[2], label="第二十一家")
    limit = recipients.MAX_NEW_RECIPIENTS_PER_DAY
    assert recipients.ERR_TOO_MANY_RECIPIENTS_TODAY % {"limit": limit} in response.content.decode()
    assert RecipientCode.objects.count() == limit


def test_the_next_day_brings_new_codes(student, master):
    reports = [services.report_issue(owner=student, record=master, months=2) for _ in range(3)]
    for n in range(recipients.MAX_NEW_RECIPIENTS_PER_DAY):
        make(reports[n // 10], label=f"公司{n}")
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert make(reports[2], label="次日").pk


def test_no_code_for_a_closed_report(student_client, report):
    services.report_close(report=report, reason="x")
    with pytest.raises(Refused):
        make(report)
    assert (
        "recipient-add"
        not in student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    )


def test_the_validity_can_be_changed_and_the_code_stays(student_client, report):
    recipient = make(report, valid_until=timezone.localdate() + datetime.timedelta(days=2))
    url = f"/archive/reports/{report.public_id}/recipients/{recipient.public_id}/extend/"
    student_client.post(url, {f"{recipient.pk}-valid_until": report.valid_until.isoformat()})
    changed = RecipientCode.objects.get()
    assert (changed.code, changed.valid_until) == (recipient.code, report.valid_until)
    assert changed.payload["valid_until"] == report.valid_until.isoformat()


def test_a_validity_past_the_reports_is_not_taken(student_client, report):
    recipient = make(report)
    url = f"/archive/reports/{report.public_id}/recipients/{recipient.public_id}/extend/"
    later = report.valid_until + datetime.timedelta(days=5)
    student_client.post(url, {f"{recipient.pk}-valid_until": later.isoformat()})
    assert RecipientCode.objects.get().valid_until == report.valid_until


def test_extending_the_report_signs_its_codes_again(client, report):
    recipient = make(report)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5)):
        services.report_extend(report=report, months=2)
        document = client.get(f"/api/v1/reports/{recipient.code}").json()
    jwks = client.get("/.well-known/jwks.json").json()
    assert document["data"]["valid_until"] == recipient.valid_until.isoformat()
    assert document["data"]["updated_at"] != recipient.payload["updated_at"]
    assert signing.verify(document["data"], document["signature"], jwks)


def test_hidden_fields_stay_hidden_behind_a_recipient_code(client, student, master):
    report = services.report_issue(owner=student, record=master, hidden_fields=["id_number"])
    recipient = make(report)
    api = client.get(f"/api/v1/reports/{recipient.code}").json()["data"]
    assert "id_number" not in api["subject"]
    assert "本人选择不显示" in page(client, recipient.code)


def test_the_photo_follows_the_recipient_code(client, report):
    recipient = make(report)
    assert client.get(f"/verify/{recipient.code}/photo.jpg").status_code == 200
    recipients.recipient_close(recipient=recipient)
    assert client.get(f"/verify/{recipient.code}/photo.jpg").status_code == 404


def test_the_pdf_and_print_view_show_the_label(client, report):
    recipient = make(report, label="乙科技有限公司")
    content = client.get(f"/verify/{recipient.code}/report.pdf").content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "乙科技有限公司" in text
    assert recipient.grouped_code in text
    assert "乙科技有限公司" in client.get(f"/verify/{recipient.code}/print/").content.decode()


def test_the_main_codes_page_is_not_served_for_a_recipient_code(client, report):
    """The report page is kept per worker by the report's code: a recipient's never mixes in."""
    recipient = make(report, label="乙科技有限公司")
    assert "乙科技有限公司" not in page(client, report.code)
    assert recipient.grouped_code in page(client, recipient.code)
    assert "乙科技有限公司" not in page(client, report.code)


def test_logs_never_show_a_recipient_code(student_client, client_factory, report, caplog):
    caplog.set_level(logging.INFO)
    add(student_client, report)
    recipient = RecipientCode.objects.get()
    client_factory().get(f"/verify/{recipient.code}/")
    student_client.post(
        f"/archive/reports/{report.public_id}/recipients/{recipient.public_id}/close/"
    )
    assert caplog.records
    assert recipient.code not in caplog.text


def test_another_students_report_is_not_found(other_student_client, report):
    assert add(other_student_client, report).status_code == 404
    assert not RecipientCode.objects.exists()


def test_another_students_code_cannot_be_closed(other_student_client, other_student, report):
    recipient = make(report)
    own = services.report_issue(owner=other_student, record=other_student.person.enrollments.get())
    urls = [
        f"/archive/reports/{report.public_id}/recipients/{recipient.public_id}/close/",
        f"/archive/reports/{own.public_id}/recipients/{recipient.public_id}/close/",
    ]
    assert [other_student_client.post(url).status_code for url in urls] == [404, 404]
    assert RecipientCode.objects.get().closed_at is None


@pytest.mark.parametrize("action", ["", "{rid}/close/", "{rid}/extend/"])
def test_mutations_refuse_get(student_client, report, action):
    recipient = make(report)
    url = f"/archive/reports/{report.public_id}/recipients/" + action.format(
        rid=recipient.public_id
    )
    assert student_client.get(url).status_code == 405


def test_mutations_need_the_csrf_token(student, report):
    recipient = make(report)
    from tests.twofactor import verified_login

    browser = verified_login(Client(enforce_csrf_checks=True), student)
    url = f"/archive/reports/{report.public_id}/recipients/{recipient.public_id}/close/"
    assert browser.post(url).status_code == 403
    assert RecipientCode.objects.get().closed_at is None


def test_with_redis_a_closed_code_fails_and_the_kept_report_page_stays_apart(
    real_redis, client, report
):
    """As in production: lookups pass the one-round-trip gate and report pages are kept."""
    closed, open_ = make(report, label="甲公司"), make(report, label="乙公司")
    assert client.get(f"/verify/{report.code}/").status_code == 200  # now kept by this worker
    recipients.recipient_close(recipient=closed)
    assert client.get(f"/verify/{closed.code}/").status_code == 404
    assert "乙公司" in page(client, open_.code)
    assert "乙公司" not in page(client, report.code)
    assert open_.events.count() == 1
    assert closed.events.count() == 1


def test_a_recipient_codes_page_sets_no_cookie_and_links_its_own_print_and_pdf(client, report):
    recipient = make(report)
    response = client.get(f"/verify/{recipient.code}/")
    html = response.content.decode()
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert f"/verify/{recipient.code}/print/" in html
    assert f"/verify/{report.code}/" not in html
