"""The forms a logged-in student submits, in real Chromium with the production headers, as a
Chinese phone user and an English desktop user: identity check, 尝试绑定学籍, 图像校对, 申请更正,
在线验证报告 (issue, extend, close), and 账号管理 (password, phone, email)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts import sms
from accounts.models import User
from records.models import CorrectionRequest, Enrollment, PhotoReview
from tests.factories import UserFactory
from verification.models import VerificationReport

from .checks import assert_layout, assert_page_ok
from .conftest import VISITOR_IDS, VISITORS
from .helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery 9"


@pytest.fixture
def signing_key(settings, tmp_path) -> None:
    settings.REPORT_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    settings.REPORT_SIGNING_KEY_FILE_ALLOWED = True


def submit(page: Page, form: str = "main form") -> None:
    page.locator(form).locator("button[type=submit]").last.click()


def student_page(new_page, live_server, user, lang: str, width: int) -> Page:
    page = new_page(lang, width)
    sign_in(page.context, live_server.url, user)
    return page


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_the_identity_check_opens_the_archive(new_page, live_server, people, lang, width):
    user = UserFactory(
        phone="13900000888", real_name="张测试", id_number=people["张测试"].id_number,
        person=people["张测试"],
    )  # fmt: skip
    page = student_page(new_page, live_server, user, lang, width)
    page.goto(f"{live_server.url}/archive/")
    expect(page).to_have_url(re.compile(r"/account/identity/$"))
    assert_page_ok(page)

    page.fill("input[name=school_name]", "北京大学")
    page.fill("input[name=student_number]", "1601100051")
    page.fill("input[name=entry_year]", "2016")
    submit(page)

    expect(page.locator(".archive-counts")).to_be_visible()
    user.refresh_from_db()
    assert user.identity_verified_at is not None


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_a_missing_enrolment_is_bound(new_page, live_server, people, lang, width):
    li = people["李另一"]
    user = UserFactory(
        phone="13900000889", real_name=li.name, id_type="resident_id", id_number=li.id_number,
        person=None,
        identity_verified_at=timezone.now(), identity_verified_method="school_name",
    )  # fmt: skip
    page = student_page(new_page, live_server, user, lang, width)
    page.goto(f"{live_server.url}/archive/xueji/")
    page.locator(".archive-links a").first.click()
    expect(page).to_have_url(re.compile(r"/archive/bind/$"))

    school = page.locator("select[name=school] option", has_text=re.compile(r"^中山大学\W"))
    page.select_option("select[name=school]", school.get_attribute("value"))
    page.fill("input[name=student_number]", "0000000000")
    page.fill("input[name=entry_year]", "2019")
    submit(page)
    expect(page.locator(".alert-danger")).to_be_visible()  # the generic explanation
    assert_page_ok(page)

    page.fill("input[name=student_number]", "1955800062")
    submit(page)
    expect(page).to_have_url(re.compile(r"/archive/xueji/$"))
    expect(page.locator(".record-card")).to_have_count(1)
    user.refresh_from_db()
    assert user.person == li


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_photo_review_keeps_the_choice_and_shows_a_missing_comment_at_the_field(
    new_page, live_server, student, lang, width
):
    master = Enrollment.objects.get(student_number="2020558000051")
    Enrollment.objects.filter(pk=master.pk).update(diploma_photo="")
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/archive/photo-review/")

    # The placeholder of a missing photo cannot be marked 有误: it has no form at all.
    cards = page.locator(".photo-review-card")
    placeholder = cards.filter(has=page.locator(".photo-missing"))
    expect(placeholder).to_have_count(1)
    expect(placeholder.locator("input[name=verdict]")).to_have_count(0)

    card = cards.filter(has=page.locator("img")).first
    card.locator("input[name=verdict][value=wrong]").check()
    card.locator("button[type=submit]").click()

    card = page.locator(".photo-review-card").filter(has=page.locator("input.is-invalid")).first
    expect(card.locator("input[name=verdict][value=wrong]")).to_be_checked()
    expect(card.locator("input[name=comment]")).to_have_attribute("aria-invalid", "true")
    expect(card.locator(".invalid-feedback")).to_be_visible()
    assert not PhotoReview.objects.exists()
    assert_page_ok(page)

    card.locator("input[name=comment]").fill("照片不是本人")
    card.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert PhotoReview.objects.get().verdict == "wrong"


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_the_xueli_tab_shows_the_diploma_photo_of_the_enrolment(
    new_page, live_server, student, lang, width
):
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/archive/xueli/")
    photo = page.locator(".record-card .record-photo img")
    expect(photo).to_have_count(1)
    photo.scroll_into_view_if_needed()
    assert photo.evaluate("img => img.complete && img.naturalWidth") > 0
    expect(page.locator(".record-card .photo-missing")).to_have_count(0)


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_a_correction_is_filed_from_a_record_card(new_page, live_server, student, lang, width):
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/archive/xueji/")
    page.locator(".record-card").first.locator("a[href*='/archive/corrections/new/']").click()
    assert_page_ok(page)

    page.select_option("select[name=field]", "major")
    page.fill("input[name=proposed_value]", "劳动与社会保障")
    page.fill("textarea[name=reason]", "录取通知书上的专业为劳动与社会保障")
    submit(page)

    expect(page.locator(".correction-status").first).to_be_visible()
    assert CorrectionRequest.objects.get().proposed_value == "劳动与社会保障"
    assert_layout(page)


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_a_report_is_issued_extended_and_closed(
    new_page, live_server, student, signing_key, lang, width
):
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/archive/reports/")
    page.select_option("select[name=months]", "2")
    page.locator("input[name=consent]").check()
    submit(page, "main form:has(select[name=months])")
    expect(page).to_have_url(re.compile(r"/archive/reports/[0-9a-f-]{36}/$"))
    report = VerificationReport.objects.get()
    first_valid_until = report.valid_until
    assert_page_ok(page)

    extend = page.locator("form[action$='/extend/']")
    extend.locator("select[name=months]").select_option("6")
    extend.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    report.refresh_from_db()
    assert report.valid_until > first_valid_until

    close = page.locator("form[action$='/close/']")
    close.locator("input[name=reason]").fill("已完成入职审核")
    close.locator("button[type=submit]").click()
    expect(page.locator(".report-status-bar.state-closed")).to_be_visible()
    report.refresh_from_db()
    assert report.closed_at is not None


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_the_password_is_changed(new_page, live_server, student, lang, width):
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/account/password/")
    page.fill("input[name=current_password]", PASSWORD)
    page.fill("input[name=password1]", "another long pass phrase 3")
    page.fill("input[name=password2]", "another long pass phrase 3")
    submit(page)

    expect(page.locator(".alert-success")).to_be_visible()
    assert User.objects.get(pk=student.pk).check_password("another long pass phrase 3")


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_the_phone_is_changed_with_a_code_sent_to_the_new_number(
    new_page, live_server, student, settings, lang, width
):
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/account/phone/")
    page.fill("input[name=new_phone]", "13912345678")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[name=action][value=send_code]").click()
    expect(page.locator("input[name=sms_code]")).to_be_visible()

    code = re.search(r"\d{6}", [m for m in sms.outbox if m.phone == "13912345678"][-1].text)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=sms_code]", code.group())
    page.locator("button[name=action][value=confirm]").click()

    expect(page.locator(".alert-success")).to_be_visible()
    assert User.objects.get(pk=student.pk).phone == "13912345678"


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_an_email_is_bound_and_activated_from_its_link(
    new_page, live_server, student, settings, lang, width
):
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/account/email/")
    page.fill("input[name=email]", "zhang.ceshi@example.org")
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()

    link = re.search(r"https?://\S+/account/email/verify/\S+/", mail.outbox[-1].body).group()
    page.goto(link)
    submit(page)

    expect(page.locator(".alert-success")).to_be_visible()
    assert User.objects.get(pk=student.pk).email_verified_at is not None


ZBARIMG = shutil.which("zbarimg")


@pytest.mark.parametrize(("lang", "width"), VISITORS, ids=VISITOR_IDS)
def test_the_report_qr_code_is_whole_and_scans(
    new_page, live_server, student, signing_key, tmp_path, lang, width
):
    from verification import services

    master = Enrollment.objects.get(student_number="2020558000051")
    report = services.report_issue(owner=student, record=master, months=1)
    page = student_page(new_page, live_server, student, lang, width)
    page.goto(f"{live_server.url}/archive/reports/{report.public_id}/")

    svg = page.locator(".report-qr svg")
    # Scaled as a whole (a viewBox, square on screen), never cropped at the right or bottom.
    geometry = svg.evaluate(
        """svg => { const box = svg.viewBox.baseVal, drawn = svg.querySelector('path').getBBox(),
                    shown = svg.getBoundingClientRect();
                    return {box: [box.width, box.height], right: drawn.x + drawn.width,
                            bottom: drawn.y + drawn.height,
                            shown: [shown.width, shown.height]}; }"""
    )
    assert geometry["box"][0] > 0
    assert geometry["box"][0] == geometry["box"][1]
    assert geometry["right"] <= geometry["box"][0]
    assert geometry["bottom"] <= geometry["box"][1]
    assert abs(geometry["shown"][0] - geometry["shown"][1]) < 1

    if ZBARIMG is None:
        return  # the geometry above still holds; decoding needs zbar-tools (installed by CI)
    picture = tmp_path / "qr.png"
    page.locator(".report-qr").screenshot(path=str(picture))
    decoded = subprocess.run(  # noqa: S603 - zbarimg on the screenshot this test took
        [ZBARIMG, "--quiet", "--raw", str(picture)], capture_output=True, text=True, timeout=30
    )
    assert decoded.stdout.strip() == f"{live_server.url}/verify/{report.code}/"
