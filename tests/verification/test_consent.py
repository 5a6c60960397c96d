"""Each report stores the consent text version and the scope the student agreed to."""

from __future__ import annotations

import pytest

from verification import consent
from verification.models import VerificationReport

pytestmark = pytest.mark.django_db


def apply(client, master, **extra: str):
    data = {"record": f"xueji:{master.public_id}", "months": "2", **extra}
    return client.post("/archive/reports/", data)


def test_no_report_without_consent(student_client, master):
    response = apply(student_client, master, show_photo="on")
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert not VerificationReport.objects.exists()


def test_the_report_stores_the_version_and_the_scope(student_client, master):
    apply(student_client, master, consent="on")
    report = VerificationReport.objects.get()
    assert report.consent_version == consent.VERSION
    assert report.consented_at is not None
    scope = report.consent_scope
    assert (scope["kind"], scope["photo"], scope["months"]) == ("xueji", False, 2)
    assert set(scope["fields"]) == set(report.payload["subject"])


def test_the_student_sees_what_they_agreed_to(student_client, master):
    response = apply(student_client, master, consent="on", show_photo="on")
    html = student_client.get(response["Location"]).content.decode()
    assert f"版本 {consent.VERSION}" in html
    assert str(consent.TEXT) in html
    assert "显示照片" in html
    assert "有效期 2 个月" in html
    assert "证件号码" in html
