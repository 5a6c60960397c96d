"""NUL and other control characters in any input: a 400, never a 500 (PostgreSQL refuses NUL).

The sweep visits every public page and the student's own pages, reads each form on them as a
browser would, and submits it once per field with that field poisoned; every page is also
asked for with each query parameter the site reads, poisoned. Run on PostgreSQL, the old code
answered /help/search/?q=%00 and a NUL in the registration phone with a 500.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

POISONS = ["a\x00b", "\x00", "x\x01y", "\x1b[31m", "z\x7f", "\x85"]
QUERY_PARAMETERS = ["q", "page", "lang", "next", "via", "record", "kind", "field", "p", "o"]


class Forms(HTMLParser):
    """The POST forms of a page: action and the fields a browser would send."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("method", "").lower() == "post":
            self._current = {}
            self.forms.append((found.get("action", ""), self._current))
        elif tag in ("input", "select", "textarea") and self._current is not None:
            name = found.get("name")
            if name and found.get("type") not in ("file",):
                self._current.setdefault(name, found.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def public_pages(people, report) -> list[str]:
    from helpcenter.models import Announcement, Article

    article = Article.objects.filter(is_published=True).select_related("category").first()
    news = Announcement.objects.first()
    pages = [
        "/", "/sitemap/", "/edu/", "/help/", "/help/search/?q=学籍", "/verify/",
        f"/verify/{report.code}/", f"/verify/{report.code}/print/", "/xueli/",
        f"/api/v1/reports/{report.code}", "/account/login/", "/account/register/",
        "/account/recover/username/", "/account/recover/password/", "/account/terms/",
    ]  # fmt: skip
    if article is not None:
        pages += [
            f"/help/{article.category.slug}/",
            f"/help/{article.category.slug}/{article.slug}/",
        ]
    if news is not None:
        pages.append(f"/news/{news.pk}/")
    return pages


STUDENT_PAGES = [
    "/account/", "/account/password/", "/account/phone/", "/account/email/", "/archive/",
    "/archive/bind/", "/archive/photo-review/", "/archive/corrections/", "/archive/reports/",
]  # fmt: skip


@pytest.fixture
def report(student, settings, tmp_path):
    from records.models import Enrollment
    from verification import services, signing

    settings.REPORT_SIGNING_KEY = ""
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True
    signing.private_key.cache_clear()
    master = Enrollment.objects.get(student_number="2020558000051")
    yield services.report_issue(owner=student, record=master)
    signing.private_key.cache_clear()


@pytest.fixture
def help_content(db):
    from django.core.management import call_command

    call_command("loaddata", "help_content", verbosity=0)


def sweep_forms(client: Client, pages: list[str]) -> tuple[list[tuple[str, str, str, int]], set]:
    """Every form field of every page, poisoned one at a time: the answers that are not 400,
    and the (form, field) pairs tried."""
    wrong, tried = [], set()
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for action, fields in parser.forms:
            target = action or page.split("?")[0]
            for name in fields:
                if name == "csrfmiddlewaretoken":
                    continue
                tried.add((target, name))
                for poison in POISONS[:3]:
                    data = {**fields, name: poison}
                    status = client.post(target, data).status_code
                    if status != 400:
                        wrong.append((page, target, name, status))
    return wrong, tried


def test_every_public_form_refuses_control_characters(client, people, report, help_content,
                                                      settings):  # fmt: skip
    settings.ACCOUNT_RATE_PER_ADDRESS = settings.ACCOUNT_RATE_PER_TARGET = "100000/h"
    settings.VERIFY_RATE = "100000/h"
    wrong, tried = sweep_forms(client, public_pages(people, report))
    assert wrong == []
    assert {"/account/register/", "/xueli/", "/verify/", "/account/login/"} <= {t for t, _ in tried}
    assert len(tried) >= 25


def test_every_student_form_refuses_control_characters(student_client):
    wrong, tried = sweep_forms(student_client, STUDENT_PAGES)
    assert wrong == []
    assert len(tried) >= 15


def test_every_query_parameter_refuses_control_characters(client, people, report, help_content,
                                                          settings):  # fmt: skip
    settings.VERIFY_RATE = "100000/h"
    wrong = []
    for page in public_pages(people, report):
        base = page.split("?")[0]
        for name in QUERY_PARAMETERS:
            for poison in POISONS:
                status = client.get(base, {name: poison}).status_code
                if status != 400:
                    wrong.append((base, name, repr(poison), status))
    assert wrong == []


def test_a_control_character_in_the_path_is_a_400(client):
    assert client.get("/help/%00/").status_code == 400
    assert client.get("/verify/S%00AAA/").status_code == 400


def test_the_two_findings(client, people, help_content):
    assert client.get("/help/search/?q=%00").status_code == 400
    page = client.get("/account/register/").content.decode()
    key = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page).group(1)
    response = client.post("/account/register/", {
        "action": "send_code", "phone": "138\x0000000001", "captcha_0": key, "captcha_1": "x",
    })  # fmt: skip
    assert response.status_code == 400


def test_ordinary_text_with_line_breaks_still_passes(student_client):
    response = student_client.post(
        "/account/email/", {"email": "a@example.test", "password": "wrong\tpassword\r\n"}
    )
    assert response.status_code == 200
