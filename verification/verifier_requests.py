"""查验申请: an employer asks for a candidate's record; the candidate decides.

* ``request_submit`` stores every submission as it is, and does nothing else: whether a student
  matches is not looked at while the employer waits, so the answer, and the work behind it, is
  the same either way.
* Candidates are the people with the typed name and the last four characters of the ID number
  who have an active, identity-checked account. They see the request in the archive
  (``VerifierRequest.objects.for_person``) and are told by SMS (and verified email) by
  ``notify_candidates`` (``manage.py send_verifier_request_notices``, cron), with no detail of
  the employer in the message. Several matching people each see it and answer on their own.
* ``request_approve`` makes a recipient code labelled with the organisation, on a live report
  of the chosen record with the chosen fields (an existing one, or a new one), through the
  recipient-code limits, and emails the code to the contact after the commit. The email is
  sent straight to the mail backend, not through the notification queue, which would store the
  code in clear.
* ``request_decline`` sends nothing: a decline, no match and no answer look alike to the
  employer. Requests not answered within ``VALID_DAYS`` expire.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from records.models import AnyRecord
from xuexin.logging import log_event
from xuexin.notifications import notify
from xuexin.refused import Refused

from . import consent, recipients, services
from .models import (
    RecipientCode,
    VerificationReport,
    VerifierRequest,
    VerifierRequestAnswer,
)

VALID_DAYS = 14

ERR_ALREADY_ANSWERED = gettext_lazy("该查验申请已处理过，不能再次同意或拒绝")
ERR_EXPIRED = gettext_lazy("该查验申请已过期，不能再同意")
ERR_KIND_NOT_ASKED = gettext_lazy("请选择对方申请查验的记录")
ERR_NOTHING_TO_RESEND = gettext_lazy("该验证码已发送或已失效，无需重新发送")
ERR_EMAIL_FAILED = gettext_lazy(
    "邮件未能发送，请稍后再试，或在报告页面查看该验证码并自行转交给对方"
)

NOTICE_SUBJECT = gettext_lazy("学信网（仿真）：您有新的查验申请")
# No organisation, contact or purpose: an SMS can be read by anyone holding the phone, and a
# stranger's wording must never reach the student's phone under the portal's name.
NOTICE_TEXT = gettext_lazy(
    "【学信网仿真】有单位申请查验您的学籍/学历/学位信息。请登录学信档案，在“查验申请”中查看"
    "并决定是否同意；您不同意或不处理，对方不会收到您的任何信息。"
)
CODE_SUBJECT = gettext_lazy("学信网（仿真）：学生已同意您的查验申请")
CODE_BODY = gettext_lazy(
    "%(contact)s，您好：\n\n"
    "您于 %(asked)s 以“%(organisation)s”名义在学信网（仿真系统）提交的查验申请，"
    "学生本人已同意。\n\n"
    "出具对象验证码：%(code)s\n"
    "有效期至：%(valid_until)s\n"
    "查验地址：%(url)s\n"
    "（也可以在 %(verify)s 输入上面的验证码。）\n\n"
    "该验证码只用于查验本次同意的记录，请勿转给他人。\n\n"
    "本邮件由仿真系统发出，所有信息均为虚构，不具有任何证明效力。\n"
    "学信网（仿真系统）"
)


def request_submit(*, data: dict[str, Any], language: str, ip_prefix: str) -> VerifierRequest:
    """Store a submission, matched or not: one row, the same work whoever it names."""
    now = timezone.now()
    return VerifierRequest.objects.create(
        organisation=data["organisation"],
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
        contact_phone=data["contact_phone"],
        candidate_name=data["candidate_name"],
        id_last4=data["id_last4"],
        kinds=list(data["kinds"]),
        purpose=data["purpose"],
        language=language,
        created_at=now,
        expires_at=now + datetime.timedelta(days=VALID_DAYS),
        ip_prefix=ip_prefix,
    )


def candidates_of(verifier_request: VerifierRequest) -> models.QuerySet[User]:
    """Active, identity-checked accounts bound to a person the request names."""
    return User.objects.filter(
        is_active=True,
        identity_disputed=False,
        identity_verified_at__isnull=False,
        person__name=verifier_request.candidate_name,
        person__id_number__endswith=verifier_request.id_last4,
    )


def notify_candidates(*, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Tell the candidates of every open request not yet told; one message per account per
    run. Each request is claimed by a conditional update in the transaction that queues the
    messages, so a second run, or two at once, never tells anyone twice. Returns the number
    of accounts told."""
    now = now or timezone.now()
    due = VerifierRequest.objects.filter(notified_at__isnull=True).open(now).order_by("pk")
    if dry_run:
        return len({user.pk for request in due for user in candidates_of(request)})
    told: dict[int, User] = {}
    with transaction.atomic():
        requests_by_user: dict[int, list[int]] = defaultdict(list)
        for verifier_request in due.select_for_update(skip_locked=True):
            claimed = VerifierRequest.objects.filter(
                pk=verifier_request.pk, notified_at__isnull=True
            ).update(notified_at=now)
            if not claimed:
                continue
            for user in candidates_of(verifier_request):
                told[user.pk] = user
                requests_by_user[user.pk].append(verifier_request.pk)
        for user_pk, user in told.items():
            notify(user, NOTICE_TEXT, NOTICE_SUBJECT)
            log_event(
                "verification.request_notified", user=user_pk, requests=requests_by_user[user_pk]
            )
    return len(told)


def _lock_unanswered(verifier_request: VerifierRequest, candidate: User) -> VerifierRequest:
    locked = VerifierRequest.objects.select_for_update().get(pk=verifier_request.pk)
    if locked.answers.filter(candidate=candidate).exists():
        raise Refused(ERR_ALREADY_ANSWERED)
    if locked.is_expired():
        raise Refused(ERR_EXPIRED)
    return locked


def _months_covering(valid_until: datetime.date) -> int:
    today = timezone.localdate()
    for months in range(services.MIN_MONTHS, services.MAX_MONTHS + 1):
        if services.add_months(today, months) >= valid_until:
            return months
    raise ValueError("a recipient code cannot outlast the longest report")


def _report_for(
    *, owner: User, record: AnyRecord, valid_until: datetime.date, show_photo: bool,
    hidden_fields: Iterable[str],
) -> VerificationReport:  # fmt: skip
    """A live report of ``record`` showing exactly the chosen fields until at least
    ``valid_until``, with room for one more recipient code; a new one when there is none."""
    kind = services.KIND_OF_MODEL[type(record)]
    hidden = [name for name in services.SUBJECT_FIELDS[kind] if name in set(hidden_fields)]
    reusable = (
        VerificationReport.objects.live()
        .filter(
            owner=owner,
            show_photo=show_photo,
            valid_until__gte=valid_until,
            **{services.FIELD_OF_KIND[kind]: record},
        )
        .annotate(codes=Count("recipients"))
        .filter(codes__lt=recipients.MAX_RECIPIENTS_PER_REPORT)
        .order_by("valid_until", "pk")
    )
    for report in reusable:
        if report.hidden_fields == hidden:
            return report
    return services.report_issue(
        owner=owner,
        record=record,
        months=_months_covering(valid_until),
        show_photo=show_photo,
        hidden_fields=hidden,
        consent_version=consent.VERSION,
    )


@transaction.atomic
def request_approve(
    *, verifier_request: VerifierRequest, candidate: User, record: AnyRecord,
    valid_until: datetime.date, show_photo: bool, hidden_fields: Iterable[str],
    absolute: Callable[[str], str],
) -> VerifierRequestAnswer:  # fmt: skip
    """Approve once: a recipient code for the organisation, emailed after the commit.

    ``absolute(path)`` makes the site's links absolute (``request.build_absolute_uri``)."""
    locked = _lock_unanswered(verifier_request, candidate)
    kind = services.KIND_OF_MODEL[type(record)]
    if kind not in locked.kinds:
        raise Refused(ERR_KIND_NOT_ASKED)
    # A report or code the limits refuse raises Refused with their reason, as on the report pages.
    report = _report_for(
        owner=candidate,
        record=record,
        valid_until=valid_until,
        show_photo=show_photo,
        hidden_fields=hidden_fields,
    )
    recipient = recipients.recipient_issue(
        report=report,
        label=locked.organisation,
        note=_("查验申请：%(contact)s") % {"contact": locked.contact_name},
        valid_until=valid_until,
    )
    answer = VerifierRequestAnswer.objects.create(
        request=locked,
        candidate=candidate,
        decision=VerifierRequestAnswer.Decision.APPROVED,
        recipient=recipient,
    )
    log_event(
        "verification.request_approved",
        request=locked.pk,
        user=candidate.pk,
        recipient=recipient.pk,
    )
    transaction.on_commit(lambda: email_code(answer.pk, absolute), robust=True)
    return answer


@transaction.atomic
def request_decline(*, verifier_request: VerifierRequest, candidate: User) -> VerifierRequestAnswer:
    """Decline once. Nothing goes to the employer (see the module's docstring)."""
    locked = _lock_unanswered(verifier_request, candidate)
    answer = VerifierRequestAnswer.objects.create(
        request=locked, candidate=candidate, decision=VerifierRequestAnswer.Decision.DECLINED
    )
    log_event("verification.request_declined", request=locked.pk, user=candidate.pk)
    return answer


def email_code(answer_pk: int, absolute: Callable[[str], str]) -> bool:
    """Email an approved request's code to the contact, in the language they asked in.

    A failure is logged and leaves ``emailed_at`` empty: the student's list says so and offers
    to send it again (``request_resend``); the approval itself stands."""
    answer = (
        VerifierRequestAnswer.objects.select_related("request", "recipient__report")
        .filter(pk=answer_pk, decision=VerifierRequestAnswer.Decision.APPROVED)
        .first()
    )
    if answer is None or answer.recipient is None or answer.recipient.state != "live":
        return False
    asked = answer.request
    recipient: RecipientCode = answer.recipient
    with translation.override(asked.language):
        body = CODE_BODY % {
            "contact": asked.contact_name,
            "organisation": asked.organisation,
            "asked": f"{timezone.localtime(asked.created_at):%Y-%m-%d}",
            "code": recipient.grouped_code,
            "valid_until": recipient.valid_until.isoformat(),
            # An English reader's link opens the English report (the report's ?lang= switch).
            "url": absolute(reverse("verification:report", args=[recipient.code]))
            + ("?lang=en" if asked.language == "en" else ""),
            "verify": absolute(reverse("verification:verify")),
        }
        subject = str(CODE_SUBJECT)
    try:
        send_mail(subject, body, None, [asked.contact_email])
    except Exception as error:  # noqa: BLE001 - any mail failure leaves the code unsent
        log_event("verification.request_email_failed", answer=answer.pk, error=type(error).__name__)
        return False
    VerifierRequestAnswer.objects.filter(pk=answer.pk).update(emailed_at=timezone.now())
    log_event("verification.request_emailed", answer=answer.pk, recipient=recipient.pk)
    return True


def request_resend(*, answer: VerifierRequestAnswer, absolute: Callable[[str], str]) -> None:
    """Send an approval's code again, only if it never reached the mail server."""
    recipient = answer.recipient
    if answer.emailed_at is not None or recipient is None or recipient.state != "live":
        raise Refused(ERR_NOTHING_TO_RESEND)
    if not email_code(answer.pk, absolute):
        raise Refused(ERR_EMAIL_FAILED)
