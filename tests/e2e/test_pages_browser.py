"""Every page a visitor or a student reaches, in Chinese and English, on a phone and a desktop:
the layout rules and axe-core (tests/e2e/checks.py) hold on each of them."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from helpcenter.content import load_help_content
from helpcenter.models import Announcement
from records.models import CorrectionRequest, Enrollment
from verification import services
from verification.models import VerificationReport

from .checks import assert_accessible, assert_layout
from .helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = [
    "/",
    "/sitemap/",
    "/edu/",
    "/account/login/",
    "/account/register/",
    "/account/recover/username/",
    "/account/recover/password/",
    "/verify/",
    "/verify/{code}/",
    "/verify/{code}/print/",
    "/xueli/",
    "/verify/request/",
    "/verify/request/sent/",
    "/help/",
    "/help/registration/",
    "/help/registration/id-number-taken/",
    "/help/archive/online-verification-report/",
    "/help/search/?q=身份证号码重复",
    "/news/{news}/",
    "/no-such-page/",
]
STUDENT_PAGES = [
    "/archive/",
    "/archive/xueji/",
    "/archive/xueli/",
    "/archive/xuewei/",
    "/archive/kaoyan/",
    "/archive/quxiang/",
    "/archive/scope/",
    "/archive/bind/",
    "/archive/photo-review/",
    "/archive/corrections/",
    "/archive/corrections/new/?record=enrollment:{enrollment}",
    "/archive/corrections/{correction}/",
    "/archive/reports/",
    "/archive/reports/{report}/",
    "/archive/requests/",
    "/account/",
    "/account/password/",
    "/account/phone/",
    "/account/email/",
]
# The pages where layout goes wrong first: the 学籍 cards, the report pages, the correction
# form and the header (on all of them).
LAYOUT_PAGES = [
    "/",
    "/verify/{code}/",
    "/archive/xueji/",
    "/archive/xueli/",
    "/archive/xuewei/",
    "/archive/corrections/new/?record=enrollment:{enrollment}",
    "/archive/reports/{report}/",
    "/account/",
]


@pytest.fixture
def site(student, settings, tmp_path) -> dict[str, object]:
    """张测试 with two 学籍, a 学历 and a 学位, a live report, a correction; help content."""
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True
    load_help_content()
    master = Enrollment.objects.get(student_number="2020558000051")
    report = services.report_issue(owner=student, record=master, months=1)
    correction = CorrectionRequest.objects.create(
        requester=student,
        person=student.person,
        school=master.school,
        enrollment=master,
        field="major",
        current_value=master.major,
        proposed_value="劳动与社会保障",
        reason="录取通知书上的专业为劳动与社会保障",
    )
    news = Announcement.objects.published().first()
    assert news is not None, "the help content has a published announcement"
    return {
        "student": student,
        "code": report.code,
        "report": report.public_id,
        "enrollment": master.public_id,
        "correction": correction.public_id,
        "news": news.pk,
    }


def visit(page: Page, base: str, path: str, site: dict[str, object]) -> None:
    response = page.goto(base + path.format(**site))
    assert response is not None
    expected = 404 if path == "/no-such-page/" else 200
    assert response.status == expected, f"{path}: {response.status}"


@pytest.mark.parametrize(("lang", "width"), [("zh", 375), ("en", 1280)], ids=["zh-375", "en-1280"])
def test_every_page_has_no_serious_accessibility_violation(
    new_page, live_server, site, lang, width
):
    visitor = new_page(lang, width)
    for path in PUBLIC_PAGES:
        visit(visitor, live_server.url, path, site)
        assert_accessible(visitor)

    student_page = new_page(lang, width)
    sign_in(student_page.context, live_server.url, site["student"])
    for path in STUDENT_PAGES:
        visit(student_page, live_server.url, path, site)
        assert_accessible(student_page)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_main_pages_fit_the_window_without_breaking_words(
    new_page, live_server, site, lang, width
):
    page = new_page(lang, width)
    sign_in(page.context, live_server.url, site["student"])
    for path in LAYOUT_PAGES:
        visit(page, live_server.url, path, site)
        assert_layout(page)

    visitor = new_page(lang, width)
    for path in ("/", "/verify/{code}/", "/account/login/"):
        visit(visitor, live_server.url, path, site)
        assert_layout(visitor)


def test_the_report_is_still_live_for_the_layout_checks(site):
    # Guards the fixture: a closed report would show the generic page instead of the sheet.
    assert VerificationReport.objects.live().by_code(site["code"]).exists()
    assert VerificationReport.objects.by_code(site["code"]).get().valid_until > timezone.localdate()
