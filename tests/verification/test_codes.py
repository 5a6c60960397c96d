"""Report codes: 95 random bits, found by a keyed digest, never in clear in the database or logs."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from verification import codes, services
from verification.models import VerificationReport

pytestmark = pytest.mark.django_db


def test_a_new_code_carries_at_least_80_random_bits():
    code = codes.new_code()
    random_part = code[1:]
    assert code[0] == "S"
    assert codes.is_valid_code(code)
    assert len(random_part) * 5 >= 80  # Crockford base32: 5 bits a character
    assert len({codes.new_code() for _ in range(1000)}) == 1000


def all_stored_text() -> str:
    """Every column of every table, as the database holds it."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_the_database_never_holds_the_code_in_clear(client, report):
    client.get(f"/verify/{report.code}/")
    client.get(f"/api/v1/reports/{report.code}")
    stored = all_stored_text()
    assert report.code not in stored
    assert report.code.lower() not in stored
    assert report.grouped_code not in stored


def test_reports_are_found_by_a_keyed_digest(client, report, settings):
    assert client.get(f"/verify/{report.code}/").status_code == 200
    settings.REPORT_CODE_KEY = "another key that is long enough to be a key!"
    assert VerificationReport.objects.by_code(report.code).first() is None


def test_the_owners_copy_is_sealed_and_opens_with_the_key(student_client, report):
    stored = VerificationReport.objects.get()
    assert stored.code_sealed
    assert report.code not in stored.code_sealed
    assert stored.code == report.code  # unsealed for the owner
    html = student_client.get(f"/archive/reports/{report.public_id}/").content.decode()
    assert report.grouped_code in html


def test_the_owners_pages_never_put_the_code_in_a_url(student_client, report):
    html = student_client.get("/archive/reports/").content.decode()
    assert f"/archive/reports/{report.public_id}/" in html
    assert f"/archive/reports/{report.code}" not in html


def test_lookups_log_no_code(client, report, caplog):
    with caplog.at_level(logging.INFO):
        client.get(f"/verify/{report.code}/")
        client.get(f"/verify/{report.code[:-1]}0/")  # unknown: logged as a 404 too
    from xuexin.logging import redact

    lines = [redact(record.getMessage()) for record in caplog.records]
    assert lines
    assert not any(report.code in line or report.code[:-1] in line for line in lines)


def test_the_log_filter_hides_new_and_old_codes():
    from xuexin.logging import redact

    new, old = codes.new_code(), "S" + "A" * 15
    assert redact(f"GET /verify/{new}/ and /verify/{old}/") == "GET /verify/S***/ and /verify/S***/"


def test_a_code_issued_before_the_longer_form_still_verifies(client, student, master):
    report = services.report_issue(owner=student, record=master)
    legacy = "S" + "ABCDEFGHJKMNPQR"
    report.code = legacy
    report.save(update_fields=["code_digest", "code_sealed"])
    assert client.get(f"/verify/{legacy}/").status_code == 200
