"""Issuing, extending, closing and looking up 在线验证报告 (DESIGN journeys 8 and 9)."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.masking import public_birth_month, public_id_mask
from records.models import AnyRecord, DegreeAward, Enrollment, Qualification
from xuexin.logging import log_event
from xuexin.network import request_network
from xuexin.refused import Refused

from . import codes, consent, signing, statuslist
from .models import ReportKind, VerificationEvent, VerificationReport

MAX_LIVE_PER_RECORD = 3
MIN_MONTHS, MAX_MONTHS = 1, 6
# v2: fields the holder chose not to show are absent from "subject" and listed in "hidden".
SCHEMA = "xuexin-sim/report/v2"

OUTCOME_OF_STATE = {
    "live": VerificationEvent.Outcome.SHOWN,
    "expired": VerificationEvent.Outcome.EXPIRED,
    "closed": VerificationEvent.Outcome.CLOSED,
}

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


def _value(record: AnyRecord, name: str) -> str:
    person = record.person
    if name == "school":
        return record.school.name
    if name == "id_number":
        # Next to the birth month and the sex, only as much of the number as leaves 10,000
        # candidates (records.masking); the full birth date would leave a handful.
        return public_id_mask(person.id_type, person.id_number, person.birth_date, person.gender)
    if name == "birth_date":
        return public_birth_month(person.birth_date)
    source = record.person if name in PERSON_FIELDS else record
    value = getattr(source, name)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def photo_field(report: VerificationReport):
    """The photo a report may show, if any: the diploma photo, else the admission photo."""
    # A report of a kind always has that kind's record (a database constraint).
    if report.kind == ReportKind.XUEJI and report.enrollment is not None:
        enrollment = report.enrollment
        return enrollment.diploma_photo or enrollment.admission_photo
    if report.kind == ReportKind.XUELI and report.qualification is not None:
        qualification = report.qualification
        if qualification.photo:
            return qualification.photo
        if qualification.enrollment is not None:
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
def report_issue(
    *, owner, record: AnyRecord, months: int = 1, show_photo: bool = True,
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
        raise Refused(ERR_TOO_MANY_LIVE % {"limit": MAX_LIVE_PER_RECORD})
    now = timezone.now()
    for _attempt in range(5):
        report = VerificationReport(
            code=codes.new_code(),  # type: ignore[misc]  # a property; Model.__init__ sets properties too
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
            status_index=statuslist.new_status_index(VerificationReport),
            **{field: record},
        )
        _sign_into(report)
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            continue  # a code or status position collision: rare, never fatal
        return report
    raise RuntimeError("could not allocate a unique report code")


@transaction.atomic
def report_extend(*, report: VerificationReport, months: int) -> VerificationReport:
    """Same code, a new validity from today, and today's data signed afresh."""
    locked = VerificationReport.objects.select_for_update().get(pk=report.pk)
    if not locked.is_live():
        raise Refused(ERR_NOT_LIVE)
    locked.valid_until = _valid_until(months)
    locked.updated_at = timezone.now()
    _sign_into(locked)
    locked.save(update_fields=["valid_until", "updated_at", "payload", "signature"])
    # Recipient codes keep their validity and show the refreshed data, signed again.
    from .recipients import sign_recipient

    for recipient in locked.recipients.filter(closed_at__isnull=True):
        sign_recipient(recipient, locked)
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


def look_up(code: str, *, channel: str, request: HttpRequest):
    """The live report for a code (or, for a recipient code, a ``recipients.RecipientView``
    of it), or None; every look at an existing report or code is recorded.

    Read from the database on every look, so a report or code closed a moment ago fails at
    once on every worker; the 查验记录 is written in the same request, so its owner sees it.
    """
    normalized = codes.normalize_code(code)
    if not codes.is_valid_code(normalized):
        log_event("verification.lookup", outcome="malformed", channel=channel)
        return None
    # Only the report's own row: the page and the API show the signed payload, never the
    # live records (the photo view loads those when a photo is asked for).
    report = VerificationReport.objects.find(normalized)
    if report is None:
        from .recipients import look_up_recipient

        is_recipient, seen = look_up_recipient(normalized, channel=channel, request=request)
        if is_recipient:
            return seen
        log_event("verification.lookup", outcome="unknown", channel=channel)
        return None
    VerificationEvent.objects.record(
        report_id=report.pk,
        recipient_id=None,
        channel=channel,
        outcome=OUTCOME_OF_STATE[report.state],
        ip_prefix=request_network(request),
    )
    return _answer(report, channel)


def _answer(report: VerificationReport, channel: str) -> VerificationReport | None:
    state = report.state
    log_event(
        "verification.lookup", report=report.pk, outcome=OUTCOME_OF_STATE[state], channel=channel
    )
    return report if state == "live" else None
