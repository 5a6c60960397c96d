"""查验申请: an employer asks through the public form, the candidate approves or declines.

The form answers alike whoever it names; the candidate sees the request in the archive, is
told by SMS without the employer's details, and the employer gets a recipient code by email
only on approval.
"""

from __future__ import annotations

import datetime
import re
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from records.models import Enrollment, Qualification
from tests.accounts.conftest import captcha_answer
from verification import request_forms, services, verifier_requests
from verification.models import (
    RecipientCode,
    VerificationReport,
    VerifierRequest,
    VerifierRequestAnswer,
)
from xuexin.refused import Refused

pytestmark = pytest.mark.django_db

FORM = "/verify/request/"
SENT = "/verify/request/sent/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
# Fresh on every response, whatever was asked: the CSP nonce, in the header and on scripts.
NONCE = re.compile(r"nonce-[A-Za-z0-9+/=]+|nonce=\"[^\"]+\"")


def same_apart_from_tokens(text: str) -> str:
    return NONCE.sub("", CSRF.sub("", text))


def fields(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation": "甲科技有限公司",
        "contact_name": "赵招聘",
        "contact_email": "hr@jia.example.com",
        "contact_phone": "010-12345678",
        "candidate_name": "张测试",
        "id_last4": "0517",
        "kinds": ["xueji", "xueli"],
        "purpose": "入职背景调查",
    }
    data.update(overrides)
    return data


def submit(client: Client, **overrides: object):
    page = client.get(FORM).content.decode()
    return client.post(FORM, {**fields(**overrides), **captcha_answer(page)})


def asked_of(**overrides: object) -> VerifierRequest:
    """A request stored as the form stores it, without going through the page."""
    data = fields(**overrides)
    return verifier_requests.request_submit(data=data, language="zh-hans", ip_prefix="")


@pytest.fixture
def asked(people) -> VerifierRequest:
    """甲科技 asks for 张测试's 学籍 and 学历."""
    return asked_of()


def approve(client: Client, asked: VerifierRequest, record, **overrides: Any):
    kind = services.KIND_OF_MODEL[type(record)]
    data = {
        "record": f"{kind}:{record.public_id}",
        "valid_until": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "show_photo": "on",
        "show_id_number": "on",
        "show_birth_date": "on",
        "show_ethnicity": "on",
        "consent": "on",
    }
    data.update(overrides)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(f"/archive/requests/{asked.public_id}/approve/", data)


@pytest.fixture
def master(people) -> Enrollment:
    return Enrollment.objects.get(student_number="2020558000051")


# --- The public form -----------------------------------------------------------------------


def test_the_verify_page_links_to_the_request_form(client):
    assert 'href="/verify/request/"' in client.get("/verify/").content.decode()


def test_the_form_says_the_candidate_decides(client):
    html = client.get(FORM).content.decode()
    assert "是否同意由学生本人决定" in html
    assert "仿真" in html


def test_the_form_is_private_like_the_other_verifier_pages(client):
    response = client.get(FORM)
    assert response["Cache-Control"] == "no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_submission_goes_to_the_sent_page(client, people):
    response = submit(client)
    assert (response.status_code, response["Location"]) == (302, SENT)


def test_the_sent_page_says_what_happens_next(client):
    html = client.get(SENT).content.decode()
    assert (
        "已提交。若信息与某位学生一致，该学生将收到申请并决定是否同意；同意后查验码将发送至您的邮箱。"
        in html
    )


def test_every_submission_is_stored_as_typed(client, people):
    submit(client, candidate_name="不存在", id_last4="123x")
    stored = VerifierRequest.objects.get()
    assert (stored.candidate_name, stored.id_last4, stored.kinds) == (
        "不存在",
        "123X",
        ["xueji", "xueli"],
    )
    assert stored.expires_at == stored.created_at + datetime.timedelta(days=14)


def _answer(client: Client, **overrides: object):
    page = client.get(FORM).content.decode()
    data = {**fields(**overrides), **captcha_answer(page)}
    with CaptureQueriesContext(connection) as queries:
        posted = client.post(FORM, data)
    followed = client.get(posted["Location"])
    # The statements' shapes, without their values: the work done, whoever is named.
    shapes = [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries.captured_queries]
    return posted, followed, shapes


def test_the_answer_is_the_same_for_an_existing_and_a_missing_candidate(people, student):
    existing = _answer(Client(), candidate_name="张测试", id_last4="0517")
    missing = _answer(Client(), candidate_name="张不在", id_last4="9999")
    for one, other in zip(existing[:2], missing[:2], strict=True):
        assert one.status_code == other.status_code
        assert same_apart_from_tokens(str(dict(one.headers))) == same_apart_from_tokens(
            str(dict(other.headers))
        )
        body, other_body = one.content.decode(), other.content.decode()
        assert same_apart_from_tokens(body) == same_apart_from_tokens(other_body)
    assert existing[2] == missing[2]


def test_no_message_goes_out_while_the_employer_waits(client, student):
    submit(client)
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_last4": "12"}, "id_last4", request_forms.ERR_ID_LAST4),
        ({"id_last4": "X123"}, "id_last4", request_forms.ERR_ID_LAST4),
        ({"kinds": []}, "kinds", request_forms.ERR_KINDS_REQUIRED),
        ({"organisation": "甲公司😀"}, "organisation", request_forms.ERR_ORGANISATION_CHARACTERS),
        ({"contact_phone": "call me"}, "contact_phone", request_forms.ERR_PHONE),
        ({"purpose": "<script>"}, "purpose", request_forms.ERR_PURPOSE_CHARACTERS),
    ],
)
def test_it_explains_what_is_wrong(client, people, overrides, field, message):
    response = submit(client, **overrides)
    assert response.status_code == 200
    assert str(message) in response.context["form"].errors[field]
    assert VerifierRequest.objects.count() == 0


def test_it_requires_an_email_to_send_the_code_to(client, people):
    response = submit(client, contact_email="")
    assert "contact_email" in response.context["form"].errors


def test_it_requires_the_captcha(client, people):
    response = client.post(FORM, {**fields(), "captcha_0": "x", "captcha_1": "WRONG"})
    assert "captcha" in response.context["form"].errors
    assert not VerifierRequest.objects.exists()


def test_the_errors_are_in_english_for_an_english_visitor(client, people):
    client.cookies["django_language"] = "en"
    page = client.get(FORM, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    data = {**fields(id_last4="12"), **captcha_answer(page)}
    html = client.post(FORM, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the last four characters of the ID number" in html


def test_it_rejects_other_methods(client):
    assert client.put(FORM).status_code == 405


# --- Throttles -----------------------------------------------------------------------------


def test_one_address_is_throttled(settings, client, people):
    settings.VERIFIER_REQUEST_RATE_PER_ADDRESS = "2/h"
    for n in range(2):
        submit(
            client, contact_email=f"hr{n}@jia.example.com", candidate_name=f"张测{'试' * (n + 1)}"
        )
    response = submit(client, contact_email="hr9@jia.example.com", candidate_name="王另")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_one_contact_email_is_throttled_across_addresses(settings, people):
    settings.VERIFIER_REQUEST_RATE_PER_EMAIL = "2/d"
    for n in range(2):
        submit(Client(REMOTE_ADDR=f"10.0.{n}.1"), candidate_name=f"王{'一' * (n + 1)}")
    response = submit(Client(REMOTE_ADDR="10.0.9.1"), candidate_name="王三")
    assert response.status_code == 429
    assert VerifierRequest.objects.count() == 2


def test_one_candidate_is_throttled_across_addresses_and_emails(settings, people):
    settings.VERIFIER_REQUEST_RATE_PER_CANDIDATE = "2/d"
    for n in range(2):
        submit(Client(REMOTE_ADDR=f"10.1.{n}.1"), contact_email=f"a{n}@x.example.com")
    response = submit(Client(REMOTE_ADDR="10.1.9.1"), contact_email="b@x.example.com")
    assert response.status_code == 429
    assert VerifierRequest.objects.count() == 2


def test_the_refusal_is_the_same_for_an_existing_and_a_missing_candidate(settings, student):
    settings.VERIFIER_REQUEST_RATE_PER_CANDIDATE = "1/d"
    answers = []
    for name, last4 in (("张测试", "0517"), ("张不在", "9999")):
        submit(Client(REMOTE_ADDR="10.2.0.1"), candidate_name=name, id_last4=last4)
        refused = submit(Client(REMOTE_ADDR="10.2.0.2"), candidate_name=name, id_last4=last4)
        # The wait follows the window django-ratelimit gives the typed text, whoever has it.
        body = re.sub(r"\d+ 分钟", "", same_apart_from_tokens(refused.content.decode()))
        answers.append((refused.status_code, int(refused["Retry-After"]) > 0, body))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


# --- Telling the candidate -----------------------------------------------------------------


def test_the_candidate_is_told_by_sms_without_the_employers_details(student, asked):
    assert verifier_requests.notify_candidates() == 1
    [sms] = Notification.objects.filter(channel="sms", recipient=student.phone)
    assert "查验申请" in sms.body
    assert not {"甲科技", "赵招聘", "hr@jia", "背景调查"} & {
        w for w in re.findall(r"\S+", sms.body)
    }
    assert "甲科技" not in sms.body
    assert "赵招聘" not in sms.body


def test_each_request_is_told_once(student, asked):
    verifier_requests.notify_candidates()
    assert verifier_requests.notify_candidates() == 0
    assert Notification.objects.filter(recipient=student.phone).count() == 1


def test_nobody_is_told_of_a_request_naming_nobody(student, other_student):
    asked_of(candidate_name="张测试", id_last4="0000")
    assert verifier_requests.notify_candidates() == 0
    assert Notification.objects.count() == 0


def test_an_expired_request_tells_nobody(student, asked):
    with later(15):
        assert verifier_requests.notify_candidates() == 0


def test_every_person_with_that_name_and_those_four_characters_is_told(student, other_student):
    other = other_student.person
    other.name, other.id_number = "张测试", "440106200011230517"[:-4] + "0517"
    other.save(update_fields=["name"])  # the ID number is unchanged in the database
    type(other).objects.filter(pk=other.pk).update(id_number="44010620001123051X")
    asked_of(id_last4="0517")
    assert verifier_requests.notify_candidates() == 1  # only 张测试 ends in 0517
    type(other).objects.filter(pk=other.pk).update(id_number="440106200011230517")
    asked_of(id_last4="0517", organisation="乙公司")
    assert verifier_requests.notify_candidates() == 2


def test_the_command_runs_and_counts(student, asked):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_verifier_request_notices", stdout=out)
    assert out.getvalue().strip() == "told 1 accounts of new verification requests"


# --- The candidate's archive ---------------------------------------------------------------


def test_the_candidate_sees_the_request(student_client, asked):
    html = student_client.get("/archive/requests/").content.decode()
    assert "甲科技有限公司" in html
    assert "赵招聘" in html
    assert "学籍、学历" in html


def test_the_archive_home_lists_pending_requests(student_client, asked):
    html = student_client.get("/archive/").content.decode()
    assert "查验申请：1 个待您处理" in html


def test_another_student_does_not_see_it(other_student_client, asked):
    assert "甲科技有限公司" not in other_student_client.get("/archive/requests/").content.decode()


def test_another_students_request_is_a_404(other_student_client, asked):
    assert other_student_client.get(f"/archive/requests/{asked.public_id}/").status_code == 404


def test_another_student_cannot_approve_or_decline_it(other_student_client, asked):
    base = f"/archive/requests/{asked.public_id}"
    assert other_student_client.post(f"{base}/approve/").status_code == 404
    assert other_student_client.post(f"{base}/decline/").status_code == 404


def test_approving_and_declining_are_post_only(student_client, asked):
    base = f"/archive/requests/{asked.public_id}"
    assert student_client.get(f"{base}/approve/").status_code == 405
    assert student_client.get(f"{base}/decline/").status_code == 405


def test_the_approval_form_offers_only_the_kinds_asked_for(student_client, people):
    asked = asked_of(kinds=["xuewei"])
    html = student_client.get(f"/archive/requests/{asked.public_id}/").content.decode()
    assert "学位 · " in html
    assert "学籍 · " not in html


def test_a_record_of_a_kind_not_asked_for_is_refused(student_client, people):
    asked = asked_of(kinds=["xuewei"])
    response = approve(
        student_client, asked, Enrollment.objects.get(student_number="2020558000051")
    )
    assert response.status_code == 400
    assert RecipientCode.objects.count() == 0


# --- Approving -----------------------------------------------------------------------------


def test_approving_makes_a_code_labelled_with_the_organisation(
    student_client, asked, master, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(student_client, asked, master, show_id_number=None, show_photo=None)
    code = RecipientCode.objects.get()
    assert code.label == "甲科技有限公司"
    assert code.valid_until == timezone.localdate() + datetime.timedelta(days=20)
    assert code.report.hidden_fields == ["id_number"]
    assert code.report.show_photo is False


def test_approving_emails_the_code_to_the_contact(
    student_client, asked, master, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(student_client, asked, master)
    code = RecipientCode.objects.get()
    [email] = mail.outbox
    assert email.to == ["hr@jia.example.com"]
    assert code.grouped_code in email.body
    assert f"http://testserver/verify/{code.code}/" in email.body
    assert "仿真" in email.body
    assert VerifierRequestAnswer.objects.get().emailed_at is not None


def test_the_emailed_code_opens_the_report_at_verify(
    student_client, asked, master, django_capture_on_commit_callbacks, client_factory
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(student_client, asked, master)
    code = re.search(r"/verify/(S[0-9A-Z]+)/", mail.outbox[0].body).group(1)
    html = client_factory().get(f"/verify/{code}/").content.decode()
    assert "出具对象：<strong>甲科技有限公司</strong>" in html
    assert "社会保障" in html


def test_an_english_employer_gets_an_english_email(
    student_client, people, master, django_capture_on_commit_callbacks
):
    asked = verifier_requests.request_submit(data=fields(), language="en", ip_prefix="")
    with django_capture_on_commit_callbacks(execute=True):
        approve(student_client, asked, master)
    [email] = mail.outbox
    assert "approved" in email.subject
    assert "SIMULATION" in email.body
    assert re.search(r"/verify/S[0-9A-Z]+/\?lang=en", email.body)


def test_an_approval_uses_a_live_report_with_the_same_choices(
    student, student_client, asked, master
):
    report = services.report_issue(owner=student, record=master, months=2)
    approve(student_client, asked, master)
    assert RecipientCode.objects.get().report == report
    assert VerificationReport.objects.count() == 1


def test_an_approval_with_other_choices_issues_a_new_report(student, student_client, asked, master):
    services.report_issue(owner=student, record=master, months=2)
    approve(student_client, asked, master, show_birth_date=None)
    assert RecipientCode.objects.get().report.hidden_fields == ["birth_date"]
    assert VerificationReport.objects.count() == 2


def test_a_new_report_lasts_at_least_as_long_as_the_code(student_client, asked, master):
    day = services.add_months(timezone.localdate(), 2) + datetime.timedelta(days=1)
    approve(student_client, asked, master, valid_until=day.isoformat())
    code = RecipientCode.objects.get()
    assert code.valid_until == day
    assert code.report.valid_until >= day


def test_a_validity_beyond_six_months_is_refused(student_client, asked, master):
    day = services.add_months(timezone.localdate(), 6) + datetime.timedelta(days=1)
    response = approve(student_client, asked, master, valid_until=day.isoformat())
    assert response.status_code == 400
    assert RecipientCode.objects.count() == 0


def test_approving_needs_the_consent_tick(student_client, asked, master):
    response = approve(student_client, asked, master, consent=None)
    assert response.status_code == 400
    assert RecipientCode.objects.count() == 0


def test_the_request_shows_as_approved_with_its_report(student_client, asked, master):
    approve(student_client, asked, master)
    html = student_client.get(f"/archive/requests/{asked.public_id}/").content.decode()
    report = RecipientCode.objects.get().report
    assert "已同意" in html
    assert f"/archive/reports/{report.public_id}/" in html


def test_approving_twice_is_refused(student_client, asked, master):
    approve(student_client, asked, master)
    response = approve(student_client, asked, master)
    assert RecipientCode.objects.count() == 1
    assert (
        str(verifier_requests.ERR_ALREADY_ANSWERED)
        in student_client.get(response["Location"]).content.decode()
    )


def test_the_service_refuses_a_second_answer(student, asked, master):
    verifier_requests.request_decline(verifier_request=asked, candidate=student)
    with pytest.raises(Refused):
        verifier_requests.request_approve(
            verifier_request=asked, candidate=student, record=master,
            valid_until=timezone.localdate(), show_photo=True, hidden_fields=[],
            absolute=lambda path: path,
        )  # fmt: skip


def later(days: float):
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def test_an_expired_request_cannot_be_approved(client, student, asked, master):
    with later(14.001):
        client.force_login(student)  # a session started then: the old one has timed out
        response = approve(client, asked, master)
        html = client.get(response["Location"]).content.decode()
    assert RecipientCode.objects.count() == 0
    assert str(verifier_requests.ERR_EXPIRED) in html


def test_an_expired_request_is_listed_as_expired(client, student, asked):
    with later(15):
        client.force_login(student)
        html = client.get("/archive/requests/").content.decode()
    assert "state-expired" in html
    assert "暂无待处理的查验申请" in html


def test_a_failed_email_can_be_sent_again(
    student_client, asked, master, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr(verifier_requests, "send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        approve(student_client, asked, master)
    assert VerifierRequestAnswer.objects.get().emailed_at is None
    monkeypatch.undo()
    student_client.post(f"/archive/requests/{asked.public_id}/resend/")
    assert len(mail.outbox) == 1
    assert VerifierRequestAnswer.objects.get().emailed_at


def test_a_sent_email_is_not_sent_again(
    student_client, asked, master, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        approve(student_client, asked, master)
    student_client.post(f"/archive/requests/{asked.public_id}/resend/")
    assert len(mail.outbox) == 1


# --- Declining -----------------------------------------------------------------------------


def test_declining_sends_no_code_and_no_email(
    student_client, asked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        student_client.post(f"/archive/requests/{asked.public_id}/decline/")
    assert VerifierRequestAnswer.objects.get().decision == "declined"
    assert RecipientCode.objects.count() == 0
    assert mail.outbox == []


def test_a_declined_request_cannot_be_approved(student_client, asked, master):
    student_client.post(f"/archive/requests/{asked.public_id}/decline/")
    approve(student_client, asked, master)
    assert RecipientCode.objects.count() == 0
    assert VerifierRequestAnswer.objects.get().decision == "declined"


def test_a_declined_request_leaves_the_pending_items(student_client, asked):
    student_client.post(f"/archive/requests/{asked.public_id}/decline/")
    assert "个待您处理" not in student_client.get("/archive/").content.decode()


# --- Staff ---------------------------------------------------------------------------------


def test_a_national_administrator_reads_requests_in_the_admin(admin_client_, asked):
    response = admin_client_.get("/admin/verification/verifierrequest/")
    assert response.status_code == 200
    assert "甲科技有限公司" in response.content.decode()


def test_nobody_adds_or_changes_requests_in_the_admin(admin_client_, asked):
    assert admin_client_.get("/admin/verification/verifierrequest/add/").status_code == 403
    page = admin_client_.get(f"/admin/verification/verifierrequest/{asked.pk}/change/")
    assert 'name="organisation"' not in page.content.decode()


def test_a_registrar_never_sees_requests(registrar_b_client, asked):
    response = registrar_b_client.get("/admin/verification/verifierrequest/")
    assert response.status_code == 403


# --- The demo ------------------------------------------------------------------------------


def test_the_demo_gets_one_pending_request(people):
    from accounts.demo import STUDENT
    from tests.factories import UserFactory
    from verification import demo

    person = Qualification.objects.first().person
    UserFactory(phone=STUDENT.phone, person=person, identity_verified_at=timezone.now())
    demo.seed_pending_request()
    demo.seed_pending_request()
    assert VerifierRequest.objects.for_person(person).count() == 1


def test_purge_expired_deletes_requests_past_their_period_and_keeps_their_codes(
    student_client, asked, master, settings
):
    approve(student_client, asked, master)
    code = RecipientCode.objects.get()
    days = settings.RETENTION_DAYS["verifier_requests"]
    within = asked_of(organisation="乙科技有限公司")
    now = timezone.now()
    VerifierRequest.objects.filter(pk=asked.pk).update(
        expires_at=now - datetime.timedelta(days=days, hours=1)
    )
    VerifierRequest.objects.filter(pk=within.pk).update(
        expires_at=now - datetime.timedelta(days=days - 1)
    )
    out = StringIO()
    call_command("purge_expired", stdout=out)
    assert list(VerifierRequest.objects.values_list("pk", flat=True)) == [within.pk]
    assert not VerifierRequestAnswer.objects.exists()
    assert RecipientCode.objects.filter(pk=code.pk).exists()
    assert "verifier requests: 1" in out.getvalue()
