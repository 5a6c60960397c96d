"""Log lines are structured and never carry an ID number, a code, a password or a session key."""

from __future__ import annotations

import json
import logging

import pytest

from xuexin.logging import JsonFormatter, RedactFilter, log_event, redact

pytestmark = pytest.mark.django_db

ID_NUMBER = "110105199803070517"


def test_id_numbers_are_masked():
    assert redact(f"person {ID_NUMBER} changed") == "person 110***********0517 changed"


def test_report_codes_are_hidden():
    assert redact("GET /verify/SABCDEFGHJKMNPQR/") == "GET /verify/S***/"


def test_longer_digit_runs_are_left_alone():
    assert redact("order 12345678901234567890") == "order 12345678901234567890"


def test_an_event_becomes_one_json_line_with_its_fields():
    record = logging.LogRecord("xuexin.events", logging.INFO, __file__, 1, "login.failed", (), None)
    record.event_fields = {"user": "138****0001", "ip": "10.0.0.0/24"}
    RedactFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert (line["event"], line["user"], line["ip"]) == (
        "login.failed",
        "138****0001",
        "10.0.0.0/24",
    )


def test_event_fields_are_redacted_too(caplog):
    caplog.set_level(logging.INFO, logger="xuexin.events")
    logging.getLogger("xuexin.events").addFilter(filter_ := RedactFilter())
    try:
        log_event("person.viewed", who=ID_NUMBER)
    finally:
        logging.getLogger("xuexin.events").removeFilter(filter_)
    assert ID_NUMBER not in caplog.text


def test_a_failed_login_is_logged_with_a_masked_username(client, student, caplog):
    caplog.set_level(logging.INFO, logger="xuexin.events")
    client.post("/account/login/", {"username": student.id_number, "password": "wrong guess 1"})
    failure = [r for r in caplog.records if r.getMessage() == "login.failed"]
    assert failure
    assert failure[0].event_fields["user"] == student.masked_id_number


def test_a_whole_journey_leaves_no_secret_in_the_logs(client, student, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/account/login/", {"username": student.id_number, "password": "wrong guess 1"})
    client.post(
        "/account/login/", {"username": student.phone, "password": "correct horse battery 9"}
    )
    session_key = client.session.session_key
    client.get("/archive/xueji/")
    text = caplog.text
    assert "wrong guess 1" not in text
    assert "correct horse battery 9" not in text
    assert session_key not in text
    assert student.id_number not in text


def test_verification_lookups_are_logged_without_the_code(client, caplog):
    caplog.set_level(logging.INFO)
    client.get("/verify/SABCDEFGHJKMNPQR/")
    lookups = [r for r in caplog.records if r.getMessage() == "verification.lookup"]
    assert lookups
    assert lookups[0].event_fields["outcome"] == "unknown"
    assert "SABCDEFGHJKMNPQR" not in str(lookups[0].__dict__)
