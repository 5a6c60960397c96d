"""What a registrar does to many 学籍 at once, and to a 学籍 entered by mistake.

- ``enrollments_change_status``: one 学籍状态 (毕业, 休学, 退学…) for a whole selection, in one
  transaction: every row passes the model rules and gets its own history entry with the note,
  or nothing changes.
- ``enrollments_withdraw``: 撤销 — a record entered by mistake disappears from the student's
  archive (and its live verification reports close) but stays, with its history, for staff.
- ``enrollments_restore``: a national administrator brings a withdrawn record back.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuexin.refused import Refused
from xuexin.staff import staff_sees_everyone

from .models import Enrollment
from .versioning import save_versioned

ERR_ROW = _("学号 %(number)s：%(problem)s")
ERR_WITHDRAWN_ROW = _("该学籍已撤销，不能修改学籍状态")
ERR_RESTORE_NATIONAL_ONLY = _("只有国家管理员可以恢复已撤销的学籍")
REPORT_CLOSED_REASON = "学校撤销了该学籍"

# Sent inside the withdrawing transaction with ``enrollment``; verification closes the
# 学籍's live reports (verification.signals), so they close or stay open with the 撤销.
enrollment_withdrawn = Signal()


def _locked(ids: Iterable[int]) -> list[Enrollment]:
    # A fixed order, so two bulk changes over overlapping selections cannot deadlock.
    return list(Enrollment.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))


def _refuse(enrollment: Enrollment, problem: object) -> Refused:
    return Refused(ERR_ROW % {"number": enrollment.student_number, "problem": problem})


@transaction.atomic
def enrollments_change_status(
    *,
    ids: Iterable[int],
    status: str,
    note: str,
    actor,
    leave_date: datetime.date | None = None,
) -> tuple[int, int]:
    """Set ``status`` (and ``leave_date`` if given) on every row; return (changed, unchanged)."""
    changed = unchanged = 0
    for enrollment in _locked(ids):
        if enrollment.withdrawn_at is not None:
            raise _refuse(enrollment, ERR_WITHDRAWN_ROW)
        new_leave = leave_date or enrollment.leave_date
        if enrollment.status == status and enrollment.leave_date == new_leave:
            unchanged += 1
            continue
        enrollment.status = status
        enrollment.leave_date = new_leave
        try:
            enrollment.full_clean()
        except ValidationError as error:
            raise _refuse(enrollment, "；".join(error.messages)) from None
        enrollment._change_reason = f"批量修改学籍状态：{note}"[:100]  # type: ignore[attr-defined]  # read by django-simple-history when it saves
        enrollment._history_user = actor  # type: ignore[attr-defined]  # read by django-simple-history when it saves
        save_versioned(
            enrollment,
            expected_version=enrollment.version,
            update_fields=["status", "leave_date", "updated_at"],
        )
        changed += 1
    return changed, unchanged


def _set_withdrawal(enrollment: Enrollment, *, at, reason: str, actor, why: str) -> None:
    enrollment.withdrawn_at = at
    enrollment.withdrawn_reason = reason
    enrollment.withdrawn_by = actor if at is not None else None
    enrollment._change_reason = why[:100]  # type: ignore[attr-defined]  # read by django-simple-history when it saves
    enrollment._history_user = actor  # type: ignore[attr-defined]  # read by django-simple-history when it saves
    save_versioned(
        enrollment,
        expected_version=enrollment.version,
        update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by", "updated_at"],
    )


@transaction.atomic
def enrollments_withdraw(*, ids: Iterable[int], reason: str, actor) -> int:
    """撤销 every row not yet withdrawn; return how many were withdrawn now."""
    withdrawn = 0
    for enrollment in _locked(ids):
        if enrollment.withdrawn_at is not None:
            continue
        _set_withdrawal(
            enrollment, at=timezone.now(), reason=reason, actor=actor, why=f"撤销：{reason}"
        )
        enrollment_withdrawn.send(sender=Enrollment, enrollment=enrollment)
        withdrawn += 1
    return withdrawn


@transaction.atomic
def enrollments_restore(*, ids: Iterable[int], note: str, actor) -> int:
    """A national administrator undoes 撤销; return how many were restored."""
    if not staff_sees_everyone(actor):
        raise Refused(ERR_RESTORE_NATIONAL_ONLY)
    restored = 0
    for enrollment in _locked(ids):
        if enrollment.withdrawn_at is None:
            continue
        _set_withdrawal(
            enrollment, at=None, reason="", actor=actor, why=f"恢复已撤销的学籍：{note}"
        )
        restored += 1
    return restored
