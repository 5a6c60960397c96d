"""A verifier's visit sets no cookie; the typed-lookup form's CSRF cookie ends with the session."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_no_report_page_sets_a_cookie(client, report):
    for path in (
        f"/verify/{report.code}/", f"/verify/{report.code}/print/",
        f"/verify/{report.code}/report.pdf", f"/api/v1/reports/{report.code}",
        "/verify/SAAAAAAAAAAAAAAAAAAA/",  # unknown, expired and closed look the same
    ):  # fmt: skip
        response = client.get(path)
        assert not response.cookies, path


def test_the_lookup_forms_csrf_cookie_is_not_kept_for_a_year(client):
    cookie = client.get("/verify/").cookies["csrftoken"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
