"""Issuing, extending, closing and looking up 在线验证报告 (DESIGN journeys 8 and 9)."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import request_network
from records.masking import public_birth_month, public_id_mask
from records.models import DegreeAward, Enrollment, Qualification
from xuexin import memo
from xuexin.logging import log_event

from . import codes, consent, journal, signing
from .models import RecipientCode, ReportKind, VerificationEvent, VerificationReport

MAX_LIVE_PER_RECORD = 3
MIN_MONTHS, MAX_MONTHS = 1, 6
# v2: fields the holder chose not to show are absent from "subject" and listed in "hidden".
SCHEMA = "xuexin-sim/report/v2"

OUTCOME_OF_STATE = {
    "live": VerificationEvent.Outcome.SHOWN,
    "expired": VerificationEvent.Outcome.EXPIRED,
    "closed": VerificationEvent.Outcome.CLOSED,
}

# Each worker's copies of report rows by code (see xuexin.memo); the state is computed on use.
REPORTS = memo.Memo()

# 出具对象验证码: codes per report (closed ones included) and new codes a day per account.
MAX_RECIPIENTS_PER_REPORT = 10
MAX_NEW_RECIPIENTS_PER_DAY = 20

ERR_RECIPIENT_REPORT_NOT_LIVE = _("该报告已关闭或已过期，不能再生成出具对象验证码")
ERR_TOO_MANY_RECIPIENTS = _("每份报告最多生成 %(limit)d 个出具对象验证码（含已关闭的）")
ERR_TOO_MANY_RECIPIENTS_TODAY = _("每个账号每天最多生成 %(limit)d 个出具对象验证码，请明天再试")
ERR_RECIPIENT_NOT_LIVE = _("该出具对象验证码已关闭或已过期，不能再延期")
ERR_RECIPIENT_VALIDITY = _("出具对象验证码的有效期须在今天至报告有效期（%(date)s）之间")

ERR_TOO_MANY_LIVE = _("该记录已有 %(limit)d 份有效的验证报告，请先关闭不再需要的报告")
ERR_NOT_LIVE = _("该报告已关闭或已过期，不能再延期")

KIND_OF_MODEL: dict[type[models.Model], str] = {
    Enrollment: ReportKind.XUEJI,
    Qualification: ReportKind.XUELI,
    DegreeAward: ReportKind.XUEWEI,
}
FIELD_OF_KIND = {"xueji": "enrollment", "xueli": "qualification", "xuewei": "degree"}

# What each kind of report shows, in the order of the real reports.
SUBJECT_FIELDS: dict[str, list[str]] = {
    "xueji": [
        "name", "gender", "birth_date", "ethnicity", "id_number", "school", "level", "major",
        "duration", "category", "study_mode", "branch", "department", "class_name",
        "student_number", "entry_date", "expected_graduation_date", "status",
    ],
    "xueli": [
        "name", "gender", "birth_date", "entry_date", "graduation_date", "school", "major",
        "category", "duration", "study_mode", "level", "conclusion", "president_name",
        "certificate_number",
    ],
    "xuewei": [
        "name", "gender", "birth_date", "school", "level", "degree_type", "discipline", "major",
        "award_date", "certificate_number",
    ],
}  # fmt: skip
PERSON_FIELDS = {"name", "gender", "birth_date", "ethnicity"}
# What the student may leave out of a report (besides the photo, ``show_photo``).
HIDEABLE_FIELDS = ("id_number", "birth_date", "ethnicity")
PHOTO = "photo"  # the name the photo goes by in a payload's "hidden" list


class ReportRefused(Exception):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def _value(record: models.Model, name: str) -> str:
    person = record.person  # type: ignore[attr-defined]
    if name == "school":
        return record.school.name  # type: ignore[attr-defined]
    if name == "id_number":
        # Next to the birth month and the sex, only as much of the number as leaves 10,000
        # candidates (records.masking); the full birth date would leave a handful.
        return public_id_mask(person.id_type, person.id_number, person.birth_date, person.gender)
    if name == "birth_date":
        return public_birth_month(person.birth_date)
    source = record.person if name in PERSON_FIELDS else record  # type: ignore[attr-defined]
    value = getattr(source, name)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def photo_field(report: VerificationReport):  # type: ignore[no-untyped-def]
    """The photo a report may show, if any: the diploma photo, else the admission photo."""
    if report.kind == ReportKind.XUEJI:
        enrollment = report.enrollment
        return enrollment.diploma_photo or enrollment.admission_photo
    if report.kind == ReportKind.XUELI:
        qualification = report.qualification
        if qualification.photo:
            return qualification.photo
        if qualification.enrollment_id:
            return qualification.enrollment.diploma_photo
    return None


def shown_fields(kind: str, hidden_fields: list[str]) -> list[str]:
    return [name for name in SUBJECT_FIELDS[kind] if name not in hidden_fields]


def build_payload(report: VerificationReport) -> dict[str, object]:
    """The signed data of a report. A hidden field's value is never read into it: the field
    is named under "hidden", so that the page can say the holder chose not to show it."""
    record = report.subject
    has_photo = bool(photo_field(report))
    hidden = [name for name in SUBJECT_FIELDS[report.kind] if name in report.hidden_fields]
    if has_photo and not report.show_photo:
        hidden.append(PHOTO)
    return {
        "schema": SCHEMA,
        "simulation": True,
        "issuer": "学信网（仿真系统）/ Xuexin (simulation)",
        "code": report.code,
        "kind": report.kind,
        "updated_at": timezone.localtime(report.updated_at).date().isoformat(),
        "valid_until": report.valid_until.isoformat(),
        "photo": report.show_photo and has_photo,
        "hidden": hidden,
        "subject": {
            name: _value(record, name) for name in shown_fields(report.kind, report.hidden_fields)
        },
    }


def _sign_into(report: VerificationReport) -> None:
    signed = build_payload(report)
    report.signature = signing.sign(signed)
    # The code is signed with the rest but never stored in clear: it goes back in on the way
    # out (VerificationReport.signed_payload).
    report.payload = {key: value for key, value in signed.items() if key != "code"}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _valid_until(months: int) -> datetime.date:
    if not MIN_MONTHS <= months <= MAX_MONTHS:
        raise ValueError("validity must be 1 to 6 months")
    return add_months(timezone.localdate(), months)


@transaction.atomic
def report_issue(  # type: ignore[no-untyped-def]
    *, owner, record: models.Model, months: int = 1, show_photo: bool = True,
    hidden_fields: Iterable[str] = (), consent_version: str = "",
) -> VerificationReport:  # fmt: skip
    """Issue a report; ``consent_version`` is the consent text the student agreed to, and the
    scope they agreed to (fields, photo, validity) is stored with it. ``hidden_fields`` names
    fields of ``HIDEABLE_FIELDS`` the report leaves out; those the record's kind does not
    show anyway are ignored."""
    kind = KIND_OF_MODEL[type(record)]
    field = FIELD_OF_KIND[kind]
    unknown = set(hidden_fields) - set(HIDEABLE_FIELDS)
    if unknown:
        raise ValueError(f"not hideable: {sorted(unknown)}")
    hidden = [name for name in SUBJECT_FIELDS[kind] if name in set(hidden_fields)]
    # Lock the record's row so two simultaneous requests cannot both pass the limit.
    type(record).objects.select_for_update().filter(pk=record.pk).first()
    live = VerificationReport.objects.live().filter(**{field: record}).count()
    if live >= MAX_LIVE_PER_RECORD:
        raise ReportRefused(ERR_TOO_MANY_LIVE % {"limit": MAX_LIVE_PER_RECORD})
    now = timezone.now()
    for _attempt in range(5):
        report = VerificationReport(
            code=codes.new_code(),
            owner=owner,
            kind=kind,
            show_photo=show_photo,
            hidden_fields=hidden,
            created_at=now,
            updated_at=now,
            valid_until=_valid_until(months),
            consent_version=consent_version,
            consent_scope=consent.scope(
                kind=kind,
                fields=shown_fields(kind, hidden),
                hidden=hidden,
                show_photo=show_photo,
                months=months,
            ),
            consented_at=now if consent_version else None,
            **{field: record},
        )
        _sign_into(report)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            continue  # a code collision: 2^95 makes this vanishingly rare, but never fatal
        return report
    raise RuntimeError("could not allocate a unique report code")


@transaction.atomic
def report_extend(*, report: VerificationReport, months: int) -> VerificationReport:
    """Same code, a new validity from today, and today's data signed afresh."""
    locked = VerificationReport.objects.select_for_update().get(pk=report.pk)
    if not locked.is_live():
        raise ReportRefused(ERR_NOT_LIVE)
    locked.valid_until = _valid_until(months)
    locked.updated_at = timezone.now()
    _sign_into(locked)
    locked.save(update_fields=["valid_until", "updated_at", "payload", "signature"])
    # Recipient codes keep their validity and show the refreshed data, signed again.
    for recipient in locked.recipients.filter(closed_at__isnull=True):
        _sign_recipient(recipient, locked)
        recipient.save(update_fields=["payload", "signature"])
    return locked


@transaction.atomic
def report_close(*, report: VerificationReport, reason: str) -> VerificationReport:
    locked = VerificationReport.objects.select_for_update().get(pk=report.pk)
    if locked.closed_at is None:
        locked.closed_at = timezone.now()
        locked.close_reason = reason
        locked.save(update_fields=["closed_at", "close_reason"])
    return locked


def _sign_recipient(recipient: RecipientCode, report: VerificationReport) -> None:
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
        raise ReportRefused(ERR_RECIPIENT_VALIDITY % {"date": report.valid_until.isoformat()})


@transaction.atomic
def recipient_issue(
    *, report: VerificationReport, label: str, note: str = "", valid_until: datetime.date
) -> RecipientCode:
    """A new code for one recipient of ``report``, within the limits per report and per day."""
    from accounts.models import User

    # Lock the owner, then the report: two requests at once cannot both pass the limits.
    User.objects.select_for_update().filter(pk=report.owner_id).first()
    locked = VerificationReport.objects.select_for_update().get(pk=report.pk)
    if not locked.is_live():
        raise ReportRefused(ERR_RECIPIENT_REPORT_NOT_LIVE)
    _check_recipient_validity(locked, valid_until)
    if locked.recipients.count() >= MAX_RECIPIENTS_PER_REPORT:
        raise ReportRefused(ERR_TOO_MANY_RECIPIENTS % {"limit": MAX_RECIPIENTS_PER_REPORT})
    today_start = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time.min)
    )
    made_today = RecipientCode.objects.filter(
        report__owner_id=locked.owner_id, created_at__gte=today_start
    ).count()
    if made_today >= MAX_NEW_RECIPIENTS_PER_DAY:
        limit = MAX_NEW_RECIPIENTS_PER_DAY
        raise ReportRefused(ERR_TOO_MANY_RECIPIENTS_TODAY % {"limit": limit})
    now = timezone.now()
    for _attempt in range(5):
        recipient = RecipientCode(
            report=locked,
            code=codes.new_code(),
            label=label,
            note=note,
            created_at=now,
            updated_at=now,
            valid_until=valid_until,
        )
        _sign_recipient(recipient, locked)
        try:
            with transaction.atomic():
                recipient.save()
        except IntegrityError:
            continue  # a code collision: vanishingly rare, never fatal
        log_event("verification.recipient_issued", report=locked.pk, recipient=recipient.pk)
        return recipient
    raise RuntimeError("could not allocate a unique recipient code")


@transaction.atomic
def recipient_extend(*, recipient: RecipientCode, valid_until: datetime.date) -> RecipientCode:
    locked = RecipientCode.objects.select_for_update().select_related("report").get(pk=recipient.pk)
    if locked.state != "live":
        raise ReportRefused(ERR_RECIPIENT_NOT_LIVE)
    _check_recipient_validity(locked.report, valid_until)
    locked.valid_until = valid_until
    locked.updated_at = timezone.now()
    _sign_recipient(locked, locked.report)
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

    Never kept per worker (``stamps`` is None): xuexin.memo keys what it keeps by the
    report's own code.
    """

    stamps = None

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


def _look_up_recipient(
    code: str, *, channel: str, request: HttpRequest
) -> tuple[bool, RecipientView | None]:
    """Whether ``code`` is a recipient code, and the report it shows if it is live."""
    recipient = RecipientCode.objects.by_code(code).select_related("report").first()
    if recipient is None:
        return False, None
    recipient.known_as(code)
    state = recipient.state
    # Written at once, not through the Redis list: recipient codes are looked up far less.
    VerificationEvent.objects.create(
        report=recipient.report,
        recipient=recipient,
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


def look_up(
    code: str, *, channel: str, request: HttpRequest
) -> VerificationReport | RecipientView | None:
    """The live report for a code, or None; every look at an existing report is recorded."""
    normalized = codes.normalize_code(code)
    if not codes.is_valid_code(normalized):
        log_event("verification.lookup", outcome="malformed", channel=channel)
        return None
    # Only the report's own row: the page and the API show the signed payload, never the
    # live records (the photo view loads those when a photo is asked for). Each worker keeps
    # the rows it has read while the code's stamp stands (see report_changed).
    admission = getattr(request, "lookup_admission", None)  # from the throttle's round trip
    if admission is not None and admission.code == normalized:
        if admission.recorded is not None:
            # The worker's copy was current and its 查验记录 went with the throttle's count.
            report = admission.recorded
            report.stamps = admission.stamps
            return _answer(report, channel)
        stamps = admission.stamps
    else:
        stamps = memo.current(report_stamp(normalized))
    report = REPORTS.get(normalized, stamps)
    if report is None:
        report = VerificationReport.objects.by_code(normalized).order_by().first()
        if report is not None:
            REPORTS.put(normalized, stamps, report.known_as(normalized))
    if report is None:
        is_recipient, seen = _look_up_recipient(normalized, channel=channel, request=request)
        if is_recipient:
            return seen
        log_event("verification.lookup", outcome="unknown", channel=channel)
        return None
    report.stamps = stamps  # keys the report's kept page, too
    journal.record(
        VerificationEvent(
            report=report,
            channel=channel,
            outcome=OUTCOME_OF_STATE[report.state],
            ip_prefix=request_network(request),
        )
    )
    return _answer(report, channel)


def _answer(report: VerificationReport, channel: str) -> VerificationReport | None:
    state = report.state
    log_event(
        "verification.lookup", report=report.pk, outcome=OUTCOME_OF_STATE[state], channel=channel
    )
    return report if state == "live" else None


def report_stamp(code: str) -> str:
    # The keyed digest: the shared cache never holds a code anyone could look a report up by.
    return _stamp_of_digest(codes.digest(code))


def _stamp_of_digest(digest: str) -> str:
    return "report:" + digest[:32]


@receiver(post_save, sender=VerificationReport, dispatch_uid="verification.stamp_report_saved")
@receiver(post_delete, sender=VerificationReport, dispatch_uid="verification.stamp_report_deleted")
def report_changed(sender, instance: VerificationReport, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Extending, closing or deleting a report makes every worker read it again."""
    memo.renew(_stamp_of_digest(instance.code_digest))
