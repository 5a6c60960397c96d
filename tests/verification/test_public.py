"""The public 在线验证 page, the QR target, the API and 学历查询."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from tests.accounts.conftest import captcha_answer
from verification import services
from verification.models import VerificationEvent

pytestmark = pytest.mark.django_db


def body(response) -> str:
    """The page without its CSRF token and the language switch's return path (the URL)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'name="next" value="[^"]*"', "", html)


def test_the_qr_url_shows_the_report_with_a_masked_id(client, report, student):
    html = client.get(f"/verify/{report.code}/").content.decode()
    assert student.real_name in html
    assert "中山大学" in html
    assert student.id_number not in html
    assert student.id_number[:3] not in html
    assert "*" * 14 + student.id_number[-4:] in html


def test_the_report_carries_the_simulation_mark(client, report):
    html = client.get(f"/verify/{report.code}/").content.decode()
    assert "仿真 / SIMULATION" in html
    assert "（仿真）" in html


def test_the_privacy_headers_are_set(client, report):
    response = client.get(f"/verify/{report.code}/")
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


def test_the_english_version(client, report):
    html = client.get(f"/verify/{report.code}/?lang=en").content.decode()
    assert "SIMULATION" in html
    assert 'lang="en"' in html


def test_a_typed_code_is_normalised(client, report):
    response = client.post("/verify/", {"code": report.grouped_code.lower().replace(" ", "-")})
    assert response["Location"] == f"/verify/{report.code}/?via=web"


def test_unknown_expired_and_closed_codes_look_the_same(client, student, master, report):
    expired_report = services.report_issue(owner=student, record=master, months=1)
    closed_report = services.report_close(
        report=services.report_issue(owner=student, record=master, months=1), reason="不再需要"
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):
        expired = client.get(f"/verify/{expired_report.code}/")
    closed = client.get(f"/verify/{closed_report.code}/")
    never = client.get("/verify/SAAAAAAAAAAAAAAA/")
    assert {expired.status_code, closed.status_code, never.status_code} == {404}
    assert body(expired) == body(closed) == body(never)


def test_a_report_is_live_through_its_last_day(client, report):
    last_day = datetime.datetime.combine(report.valid_until, datetime.time(23, 0))
    with time_machine.travel(timezone.make_aware(last_day)):
        assert client.get(f"/verify/{report.code}/").status_code == 200


def test_each_look_is_recorded_with_its_channel(client, report):
    client.get(f"/verify/{report.code}/")
    client.get(f"/verify/{report.code}/?via=web")
    client.get(f"/api/v1/reports/{report.code}")
    channels = sorted(report.events.values_list("channel", flat=True))
    assert channels == ["api", "qr", "web"]


def test_a_look_at_a_closed_report_is_recorded_as_such(client, report):
    services.report_close(report=report, reason="x")
    client.get(f"/verify/{report.code}/")
    assert report.events.get().outcome == VerificationEvent.Outcome.CLOSED


def test_the_ip_is_truncated_in_the_record(client, report):
    client.get(f"/verify/{report.code}/", REMOTE_ADDR="198.51.100.23")
    assert report.events.get().ip_prefix == "198.51.100.0/24"


def test_guessing_is_throttled_with_429(client, settings):
    settings.VERIFY_RATE = "5/m"
    statuses = [client.get(f"/verify/SAAAAAAAAAAAAAA{n}/").status_code for n in range(7)]
    assert statuses[:5] == [404] * 5
    assert statuses[5:] == [429, 429]


def test_a_throttled_lookup_of_a_real_code_shows_no_data(client, report, settings, student):
    settings.VERIFY_RATE = "1/m"
    client.get("/verify/SAAAAAAAAAAAAAAA/")
    client.get("/verify/SAAAAAAAAAAAAAAB/")  # the second miss spends the budget
    response = client.get(f"/verify/{report.code}/")
    assert response.status_code == 429
    assert student.real_name not in response.content.decode()


def test_the_form_asks_for_a_captcha_after_several_lookups(client, settings):
    settings.VERIFY_CAPTCHA_AFTER = 2
    for n in range(2):
        client.post("/verify/", {"code": f"SAAAAAAAAAAAAAA{n}"}, follow=True)
    assert 'name="captcha_1"' in client.get("/verify/").content.decode()


def test_with_the_captcha_solved_the_lookup_goes_on(client, report, settings):
    settings.VERIFY_CAPTCHA_AFTER = 1
    client.post("/verify/", {"code": "SAAAAAAAAAAAAAAA"}, follow=True)
    page = client.get("/verify/").content.decode()
    response = client.post("/verify/", {"code": report.code, **captcha_answer(page)})
    assert response.status_code == 302


def test_the_photo_is_served_only_when_allowed(client, student, master):
    shown = services.report_issue(owner=student, record=master, show_photo=True)
    hidden = services.report_issue(owner=student, record=master, show_photo=False)
    assert client.get(f"/verify/{shown.code}/photo.jpg").status_code == 200
    assert client.get(f"/verify/{hidden.code}/photo.jpg").status_code == 404
    assert "photo.jpg" not in client.get(f"/verify/{hidden.code}/").content.decode()


def test_a_closed_reports_photo_is_gone(client, report):
    services.report_close(report=report, reason="x")
    assert client.get(f"/verify/{report.code}/photo.jpg").status_code == 404


def test_the_api_returns_the_data_and_a_detached_signature(client, report):
    document = client.get(f"/api/v1/reports/{report.code}").json()
    assert document["data"] == report.signed_payload
    assert document["signature"].count(".") == 2
    assert ".." in document["signature"]


def test_the_api_gives_one_answer_for_every_missing_code(client, report):
    services.report_close(report=report, reason="x")
    closed = client.get(f"/api/v1/reports/{report.code}")
    unknown = client.get("/api/v1/reports/SAAAAAAAAAAAAAAA")
    assert (closed.status_code, closed.json()) == (unknown.status_code, unknown.json()) == (
        404, {"error": "not_found"}
    )  # fmt: skip


def test_the_api_is_throttled_with_429(client, settings):
    settings.VERIFY_RATE = "2/m"
    statuses = [client.get("/api/v1/reports/SAAAAAAAAAAAAAAA").status_code for _ in range(3)]
    assert statuses == [404, 404, 429]


# --- 学历查询 (零散查询) ------------------------------------------------------------------------


def xueli(client, number: str, name: str):
    page = client.get("/xueli/").content.decode()
    return client.post(
        "/xueli/", {"certificate_number": number, "name": name, **captcha_answer(page)}
    )


def test_xueli_finds_a_registered_diploma_with_masked_data(client, people):
    zhang = people["张测试"]
    number = zhang.qualifications.get().certificate_number
    html = xueli(client, number, "张测试").content.decode()
    assert "北京大学" in html
    assert zhang.id_number not in html
    assert zhang.masked_id_number not in html
    assert "*" * 14 + zhang.id_number[-4:] in html


def test_xueli_gives_one_answer_for_a_wrong_name_or_number(client, people):
    number = people["张测试"].qualifications.get().certificate_number
    wrong_name = body(xueli(client, number, "王五"))
    wrong_number = body(xueli(client, "100011202005999999", "张测试"))
    strip = lambda html: re.sub(r'captcha_0" value="[0-9a-f]+"|/captcha/image/[0-9a-f]+/', "", html)  # noqa: E731
    assert "未查询到" in wrong_name
    assert strip(wrong_name) == strip(wrong_number)


def test_xueli_needs_the_captcha(client, people):
    number = people["张测试"].qualifications.get().certificate_number
    client.get("/xueli/")
    html = client.post(
        "/xueli/",
        {"certificate_number": number, "name": "张测试", "captcha_0": "x" * 40, "captcha_1": "A"},
    ).content.decode()
    assert "北京大学" not in html
