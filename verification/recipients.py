"""出具对象验证码: a code per recipient of a report (issue: reports that serve employers).

A recipient code shows its report's signed data with the recipient's label (出具对象) and its
own validity, no later than the report's; it is closed on its own, keeps its own 查验记录 and
stops with its report. Codes are stored like the report's (keyed digest + sealed copy), and
read from the database, with their 查验记录 written, on every lookup, as reports are.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from xuexin.logging import log_event
from xuexin.network import request_network
from xuexin.refused import Refused

from . import codes, signing, statuslist
from .models import RecipientCode, VerificationEvent, VerificationReport
from .services import OUTCOME_OF_STATE

# Codes per report (closed ones included) and new codes a day per account.
MAX_RECIPIENTS_PER_REPORT = 10
MAX_NEW_RECIPIENTS_PER_DAY = 20

ERR_RECIPIENT_REPORT_NOT_LIVE = _("该报告已关闭或已过期，不能再生成出具对象验证码")
ERR_TOO_MANY_RECIPIENTS = _("每份报告最多生成 %(limit)d 个出具对象验证码（含已关闭的）")
ERR_TOO_MANY_RECIPIENTS_TODAY = _("每个账号每天最多生成 %(limit)d 个出具对象验证码，请明天再试")
ERR_RECIPIENT_NOT_LIVE = _("该出具对象验证码已关闭或已过期，不能再延期")
ERR_RECIPIENT_VALIDITY = _("出具对象验证码的有效期须在今天至报告有效期（%(date)s）之间")


def sign_recipient(recipient: RecipientCode, report: VerificationReport) -> None:
    """The report's signed data as this recipient's code shows it: its code, its validity,
    its label (出具对象). The owner's note is never part of it."""
    signed = {
        **report.payload,
        "code": recipient.code,
        "valid_until": recipient.valid_until.isoformat(),
        "recipient": recipient.label,
    }
    recipient.signature = signing.sign(signed)
    recipient.payload = {key: value for key, value in signed.items() if key != "code"}


def _check_recipient_validity(report: VerificationReport, valid_until: datetime.date) -> None:
    if not timezone.localdate() <= valid_until <= report.valid_until:
        raise Refused(ERR_RECIPIENT_VALIDITY % {"date": report.valid_until.isoformat()})


@transaction.atomic
def recipient_issue(
    *, report: VerificationReport, label: str, note: str = "", valid_until: datetime.date
) -> RecipientCode:
    """A new code for one recipient of ``report``, within the limits per report and per day."""
    # Lock the owner, then the report: two requests at once cannot both pass the limits.
    User.objects.select_for_update().filter(pk=report.owner_id).first()
    locked = VerificationReport.objects.select_for_update().get(pk=report.pk)
    if not locked.is_live():
        raise Refused(ERR_RECIPIENT_REPORT_NOT_LIVE)
    _check_recipient_validity(locked, valid_until)
    if locked.recipients.count() >= MAX_RECIPIENTS_PER_REPORT:
        raise Refused(ERR_TOO_MANY_RECIPIENTS % {"limit": MAX_RECIPIENTS_PER_REPORT})
    today_start = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    made_today = RecipientCode.objects.filter(
        report__owner_id=locked.owner_id, created_at__gte=today_start
    ).count()
    if made_today >= MAX_NEW_RECIPIENTS_PER_DAY:
        limit = MAX_NEW_RECIPIENTS_PER_DAY
        raise Refused(ERR_TOO_MANY_RECIPIENTS_TODAY % {"limit": limit})
    now = timezone.now()
    for _attempt in range(5):
        recipient = RecipientCode(
            report=locked,
            code=codes.new_code(),  # type: ignore[misc]  # a property; Model.__init__ sets properties too
            label=label,
            note=note,
            created_at=now,
            updated_at=now,
            valid_until=valid_until,
            status_index=statuslist.new_status_index(RecipientCode),
        )
        sign_recipient(recipient, locked)
        try:
            with transaction.atomic():
                recipient.save()
        except IntegrityError:
            continue  # a code or status position collision: rare, never fatal
        log_event("verification.recipient_issued", report=locked.pk, recipient=recipient.pk)
        return recipient
    raise RuntimeError("could not allocate a unique recipient code")


@transaction.atomic
def recipient_extend(*, recipient: RecipientCode, valid_until: datetime.date) -> RecipientCode:
    # The report first, as report_extend locks it before signing its codes again.
    report = VerificationReport.objects.select_for_update().get(pk=recipient.report_id)
    locked = RecipientCode.objects.select_for_update().get(pk=recipient.pk)
    locked.report = report
    if locked.state != "live":
        raise Refused(ERR_RECIPIENT_NOT_LIVE)
    _check_recipient_validity(report, valid_until)
    locked.valid_until = valid_until
    locked.updated_at = timezone.now()
    sign_recipient(locked, report)
    locked.save(update_fields=["valid_until", "updated_at", "payload", "signature"])
    return locked


@transaction.atomic
def recipient_close(*, recipient: RecipientCode) -> RecipientCode:
    locked = RecipientCode.objects.select_for_update().get(pk=recipient.pk)
    if locked.closed_at is None:
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at"])
    return locked


class RecipientView:
    """A report as one recipient code shows it: that code and its signed data (its validity,
    its 出具对象), the report's record and photo for everything else.

    """

    def __init__(self, report: VerificationReport, recipient: RecipientCode) -> None:
        self.report = report
        self.recipient = recipient

    @property
    def code(self) -> str:
        return self.recipient.code

    @property
    def grouped_code(self) -> str:
        return self.recipient.grouped_code

    @property
    def payload(self) -> dict[str, object]:
        return self.recipient.payload

    @property
    def signature(self) -> str:
        return self.recipient.signature

    @property
    def signed_payload(self) -> dict[str, object]:
        return self.recipient.signed_payload

    @property
    def state(self) -> str:
        return self.recipient.state

    def __getattr__(self, name: str) -> object:
        return getattr(self.report, name)


def look_up_recipient(
    code: str, *, channel: str, request: HttpRequest
) -> tuple[bool, RecipientView | None]:
    """Whether ``code`` is a recipient code, and the report it shows if it is live."""
    recipient = RecipientCode.objects.by_code(code).select_related("report").first()
    if recipient is None:
        return False, None
    recipient.known_as(code)
    state = recipient.state
    VerificationEvent.objects.record(
        report_id=recipient.report_id,
        recipient_id=recipient.pk,
        channel=channel,
        outcome=OUTCOME_OF_STATE[state],
        ip_prefix=request_network(request),
    )
    log_event(
        "verification.lookup",
        report=recipient.report_id,
        recipient=recipient.pk,
        outcome=OUTCOME_OF_STATE[state],
        channel=channel,
    )
    return True, RecipientView(recipient.report, recipient) if state == "live" else None


def find_live(code: str) -> VerificationReport | RecipientView | None:
    """The live report, or report as a recipient code shows it, for a code; records nothing
    (for the photo of a report just looked up)."""
    normalized = codes.normalize_code(code)
    if not codes.is_valid_code(normalized):
        return None
    report = (
        VerificationReport.objects.live()
        .by_code(normalized)
        .select_related("enrollment", "qualification__enrollment")
        .first()
    )
    if report is not None:
        return report.known_as(normalized)
    recipient = (
        RecipientCode.objects.live()
        .by_code(normalized)
        .select_related("report__enrollment", "report__qualification__enrollment")
        .first()
    )
    if recipient is None:
        return None
    return RecipientView(recipient.report, recipient.known_as(normalized))
