"""申请更正: what a student may ask to correct, and how a school's decision is applied.

Students never edit records. A request names a record and one field; the proposed value passes
the same model rules as any other write before the request is even filed, and again when the
school approves it, inside one transaction that locks the request so two approvals apply once.
"""

from __future__ import annotations

import copy
import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xuexin.fields import concrete_field
from xuexin.logging import log_event
from xuexin.notifications import notify
from xuexin.refused import Refused
from xuexin.staff import staff_sees_everyone

from . import display
from .models import (
    OPEN_CORRECTION_STATUSES,
    AnyRecord,
    CorrectionEvent,
    CorrectionRequest,
    CorrectionStatus,
    DegreeAward,
    Enrollment,
    Person,
    Qualification,
)
from .versioning import save_versioned

ERR_FIELD_NOT_CORRECTABLE = _("该项目不能申请更正")
ERR_SAME_VALUE = _("申请更正的内容与当前信息相同")
ERR_ALREADY_OPEN = _("该项目已有正在处理的更正申请，请等待学校审核")
ERR_DATE_FORMAT = _("请按“2018-09-07”或“2018年09月07日”的格式填写日期")
ERR_REJECT_NEEDS_NOTE = _("驳回时请填写原因，学生会看到该原因")

PERSON_FIELDS = ["person.name", "person.gender", "person.birth_date", "person.ethnicity"]

# The fields a student may ask to correct, per kind of record, in the order of the cards.
CORRECTABLE: dict[str, list[str]] = {
    "enrollment": PERSON_FIELDS
    + [
        "level",
        "major",
        "duration",
        "category",
        "study_mode",
        "branch",
        "department",
        "class_name",
        "entry_date",
        "expected_graduation_date",
        "status",
    ],
    "qualification": PERSON_FIELDS
    + [
        "major",
        "level",
        "category",
        "duration",
        "study_mode",
        "entry_date",
        "graduation_date",
        "conclusion",
        "president_name",
        "certificate_number",
    ],
    "degree": PERSON_FIELDS
    + ["level", "degree_type", "discipline", "major", "award_date", "certificate_number"],
}

RECORD_MODELS: dict[str, type[Enrollment] | type[Qualification] | type[DegreeAward]] = {
    "enrollment": Enrollment,
    "qualification": Qualification,
    "degree": DegreeAward,
}


def record_kind(record: AnyRecord) -> str:
    for kind, model in RECORD_MODELS.items():
        if isinstance(record, model):
            return kind
    raise TypeError(f"not a correctable record: {record!r}")


def _target(record: AnyRecord, field: str) -> tuple[models.Model, str]:
    if field.startswith("person."):
        return record.person, field.removeprefix("person.")
    return record, field


def model_field(record: AnyRecord, field: str) -> models.Field:
    target, name = _target(record, field)
    return concrete_field(target, name)


def field_label(record: AnyRecord, field: str) -> str:
    return str(model_field(record, field).verbose_name)


def canonical(value: object) -> str:
    """How a value is stored on a request: codes for choices, ISO dates, plain text."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def label_for(record: AnyRecord, field: str, stored: str) -> str:
    """A stored value as the cards show it, in the reader's language."""
    if stored == "":
        return ""
    model_field_ = model_field(record, field)
    if model_field_.choices:
        return str(dict(model_field_.choices).get(stored, stored))
    if isinstance(model_field_, models.DateField):
        try:
            day = datetime.date.fromisoformat(stored)
        except ValueError:
            return stored
        return display.record_date(day)
    return stored


def current_value(record: AnyRecord, field: str) -> str:
    target, name = _target(record, field)
    return canonical(getattr(target, name))


def current_display(record: AnyRecord, field: str) -> str:
    return label_for(record, field, current_value(record, field))


def choice_labels(record: AnyRecord, field: str) -> list[str]:
    return [str(label) for _value, label in model_field(record, field).choices or []]


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_value(record: AnyRecord, field: str, raw: str) -> object:
    """Turn what a student typed into the field's value, or raise ValidationError."""
    target, name = _target(record, field)
    model_field_ = concrete_field(target, name)
    text = (raw or "").strip()
    if model_field_.choices:
        by_label = {str(label): value for value, label in model_field_.choices}
        text = by_label.get(text, text)
    if isinstance(model_field_, models.DateField):
        match = _DATE.match(text)
        if not match:
            raise ValidationError(ERR_DATE_FORMAT, code="date_format")
        try:
            text = datetime.date(*map(int, match.groups())).isoformat()
        except ValueError:
            raise ValidationError(ERR_DATE_FORMAT, code="date_format") from None
    return model_field_.clean(text, target)


def _apply(record: AnyRecord, field: str, value: object) -> models.Model:
    """Set the value on the right instance and run every model rule; return that instance."""
    target, name = _target(record, field)
    setattr(target, name, value)
    target.full_clean()
    return target


def check_proposal(record: AnyRecord, field: str, raw: str) -> str:
    """Validate a proposed value against the model rules without touching the database."""
    if field not in CORRECTABLE[record_kind(record)]:
        raise ValidationError(ERR_FIELD_NOT_CORRECTABLE, code="not_correctable")
    value = parse_value(record, field, raw)
    trial = copy.copy(record)
    if field.startswith("person."):
        trial.person = copy.copy(record.person)
    try:
        _apply(trial, field, value)
    except ValidationError as error:
        # Rules of other fields may object (a gender that disagrees with the ID number):
        # the student sees every message next to the one value they typed.
        raise ValidationError(error.messages) from None
    if canonical(value) == current_value(record, field):
        raise ValidationError(ERR_SAME_VALUE, code="same_value")
    return canonical(value)


@transaction.atomic
def correction_submit(
    *,
    requester,
    record: AnyRecord,
    field: str,
    proposed: str,
    reason: str,
    evidence=None,
) -> CorrectionRequest:
    normalised = check_proposal(record, field, proposed)
    kind = record_kind(record)
    already_open = CorrectionRequest.objects.filter(
        **{kind: record}, field=field, status__in=OPEN_CORRECTION_STATUSES
    ).exists()
    if already_open:
        raise Refused(ERR_ALREADY_OPEN)
    correction = CorrectionRequest(
        requester=requester,
        person=record.person,
        school=record.school,
        field=field,
        current_value=current_value(record, field),
        proposed_value=normalised,
        reason=reason,
        **{kind: record},
    )
    if evidence:
        correction.evidence = evidence
    correction.save()
    CorrectionEvent.objects.create(
        correction=correction, status=CorrectionStatus.SUBMITTED, actor=requester
    )
    return correction


class CorrectionAlreadyDecided(Exception):
    pass


class CorrectionEscalated(Exception):
    """The school confirmed it; a national administrator decides (the identity is shared)."""


APPLIED = "applied"
ESCALATED = "escalated"
ERR_ESCALATED = _("该申请涉及学生的身份信息，已提交国家管理员审核，学校无需再处理")
NOTE_ESCALATED = "学校已核实，已提交国家管理员审核"


def _lock_open(correction: CorrectionRequest) -> CorrectionRequest:
    locked = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if locked.status not in OPEN_CORRECTION_STATUSES:
        raise CorrectionAlreadyDecided
    return locked


def _pending_identity_change(correction: CorrectionRequest):
    from .models import IdentityChange, IdentityChangeStatus

    return IdentityChange.objects.filter(
        correction=correction, status=IdentityChangeStatus.PENDING
    ).first()


def _refuse_if_escalated(correction: CorrectionRequest, reviewer) -> None:
    """Once sent to a national administrator, the school no longer decides the request."""
    if not staff_sees_everyone(reviewer) and _pending_identity_change(correction) is not None:
        raise CorrectionEscalated


@transaction.atomic
def correction_start_review(*, correction: CorrectionRequest, reviewer, note: str = "") -> None:
    locked = _lock_open(correction)
    _refuse_if_escalated(locked, reviewer)
    if locked.status == CorrectionStatus.REVIEWING:
        return
    locked.status = CorrectionStatus.REVIEWING
    locked.save(update_fields=["status", "updated_at"])
    CorrectionEvent.objects.create(
        correction=locked, status=CorrectionStatus.REVIEWING, note=note, actor=reviewer
    )


@transaction.atomic
def correction_approve(*, correction: CorrectionRequest, reviewer, note: str = "") -> str:
    """Apply the change once, with history saying who, when and why.

    A field of a person's identity goes through ``records.identity_changes``: applied at once
    (and carried to the student's account) when the reviewer may change that identity;
    otherwise the school's approval becomes a request to a national administrator
    (``ESCALATED``) and the correction stays 学校审核中 until that decision.
    """
    locked = _lock_open(correction)
    _refuse_if_escalated(locked, reviewer)
    if locked.field.startswith("person."):
        return _approve_identity_field(locked, reviewer, note)
    kind = record_kind(locked.record)
    model = RECORD_MODELS[kind]
    record = model.objects.select_for_update().get(pk=getattr(locked, f"{kind}_id"))
    value = parse_value(record, locked.field, locked.proposed_value)
    target = _apply(record, locked.field, value)
    target._change_reason = f"更正申请 {locked.public_id}：{locked.reason}"[:100]  # type: ignore[attr-defined]  # read by django-simple-history when it saves
    target._history_user = reviewer  # type: ignore[attr-defined]  # read by django-simple-history when it saves
    # The row is locked, so its version is current; bumping it makes any admin form left open
    # on this record stale instead of silently undoing the correction.
    save_versioned(target, expected_version=target.version)  # type: ignore[attr-defined]  # the person or the record: both versioned
    _close(locked, CorrectionStatus.CORRECTED, reviewer, note)
    return APPLIED


def _approve_identity_field(locked: CorrectionRequest, reviewer, note: str) -> str:
    from . import identity_changes

    person = Person.objects.get(pk=locked.person_id)
    name = locked.field.removeprefix("person.")
    value = parse_value(locked.record, locked.field, locked.proposed_value)
    change = _pending_identity_change(locked)
    if identity_changes.may_change_identity(reviewer, person):
        if change is not None:  # a national administrator decides the school's request
            identity_changes.identity_change_approve(change=change, reviewer=reviewer, note=note)
            return APPLIED
        try:
            identity_changes.person_identity_update(
                person=person,
                values={name: value},
                actor=reviewer,
                reason=f"更正申请 {locked.public_id}：{locked.reason}",
                tell_student=False,  # the correction's answer tells them
            )
        except Refused as refused:
            raise ValidationError(str(refused.message)) from None
        _close(locked, CorrectionStatus.CORRECTED, reviewer, note)
        return APPLIED
    try:
        identity_changes.identity_change_submit(
            person=person,
            values={name: value},
            reason=f"学生更正申请：{locked.reason}",
            requested_by=reviewer,
            correction=locked,
        )
    except Refused as refused:
        raise ValidationError(str(refused.message)) from None
    locked.status = CorrectionStatus.REVIEWING
    locked.save(update_fields=["status", "updated_at"])
    event_note = f"{NOTE_ESCALATED}：{note}" if note else NOTE_ESCALATED
    CorrectionEvent.objects.create(
        correction=locked, status=CorrectionStatus.REVIEWING, note=event_note[:300], actor=reviewer
    )
    log_event("correction.escalated", correction=locked.pk, reviewer=reviewer.pk)
    return ESCALATED


def _close(locked: CorrectionRequest, status: str, reviewer, note: str) -> None:
    event = "correction.approved" if status == CorrectionStatus.CORRECTED else "correction.rejected"
    log_event(event, correction=locked.pk, reviewer=reviewer.pk)
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    CorrectionEvent.objects.create(correction=locked, status=status, note=note, actor=reviewer)
    _tell_student(locked, str(CorrectionStatus(status).label), note)


@transaction.atomic
def correction_reject(*, correction: CorrectionRequest, reviewer, note: str) -> None:
    if not note.strip():
        raise Refused(ERR_REJECT_NEEDS_NOTE)
    locked = _lock_open(correction)
    _refuse_if_escalated(locked, reviewer)
    change = _pending_identity_change(locked)
    if change is not None:
        from . import identity_changes

        identity_changes.identity_change_reject(change=change, reviewer=reviewer, note=note)
        return
    _close(locked, CorrectionStatus.REJECTED, reviewer, note)


@transaction.atomic
def correction_close_after_identity_change(
    *,
    correction: CorrectionRequest,
    reviewer,
    note: str,
    approved: bool,
) -> None:
    """The national administrator's decision on the identity change answers the correction."""
    locked = CorrectionRequest.objects.select_for_update().get(pk=correction.pk)
    if locked.status not in OPEN_CORRECTION_STATUSES:
        return
    status = CorrectionStatus.CORRECTED if approved else CorrectionStatus.REJECTED
    _close(locked, status, reviewer, note)


def _tell_student(correction: CorrectionRequest, outcome: str, note: str) -> None:
    requester = correction.requester
    text = gettext(
        "【学信网仿真】您提交的%(field)s更正申请审核结果：%(outcome)s。%(note)s"
        "详情请登录学信档案查看。"
    ) % {
        "field": field_label(correction.record, correction.field),
        "outcome": outcome,
        "note": gettext("说明：%(note)s。") % {"note": note} if note else "",
    }
    subject = gettext("学信网（仿真）：更正申请审核结果")
    notify(requester, text, subject)  # stored with the decision, sent after the commit


@dataclass(frozen=True)
class FieldChoice:
    field: str
    label: str
    current: str
    options: list[str]


def field_choices(record: AnyRecord) -> list[FieldChoice]:
    return [
        FieldChoice(
            field=field,
            label=field_label(record, field),
            current=current_display(record, field),
            options=choice_labels(record, field),
        )
        for field in CORRECTABLE[record_kind(record)]
    ]
