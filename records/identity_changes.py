"""Who may change a person's identity, and how a change reaches the accounts bound to it.

The identity fields — 姓名, 性别, 出生日期, 民族, 证件类型, 证件号码 — of a person with records at
more than one school, or bound to an account, are shared: another school or the student's
own login depends on them. Such a person is *locked* for registrars. Their identity changes
only by a national administrator, either directly on the person's page or by approving a
身份信息变更 request (``IdentityChange``) that a registrar filed — on their own, or by
confirming a student's correction of one of these fields.

Every way in ends in ``person_identity_update``: one transaction that locks the person and its
accounts, refuses a change that would merge two people or take another account's ID, saves the
person (versioned, with history), moves every bound account to the new name and ID, and tells
the student after the commit.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuexin.fields import concrete_field
from xuexin.refused import Refused
from xuexin.staff import is_registrar, staff_sees_everyone

from .models import (
    DegreeAward,
    Enrollment,
    IdentityChange,
    IdentityChangeStatus,
    Person,
    Qualification,
)
from .reviews import notify_person_on_commit
from .versioning import StaleVersion, save_versioned

IDENTITY_FIELDS = ("name", "gender", "birth_date", "ethnicity", "id_type", "id_number")
# The account holds these copies of the person's identity (accounts.User).
ACCOUNT_COPIES = {"name": "real_name", "id_type": "id_type", "id_number": "id_number"}

LOCK_SHARED = gettext_lazy("该学生在多所院校有学籍、学历或学位记录")
LOCK_BOUND = gettext_lazy("该学生已绑定学信档案账号")
LOCKED_EXPLAINED = gettext_lazy(
    "%(reasons)s，姓名、性别、出生日期、民族和证件信息只能由国家管理员修改（学生账号会随之同步）。"
    "如需修改，请提交身份信息变更申请。"
)
ERR_NATIONAL_ADMIN_ONLY = gettext_lazy(
    "该学生的身份信息只能由国家管理员修改：%(reasons)s。请提交身份信息变更申请。"
)
ERR_WOULD_MERGE = gettext_lazy(
    "新的证件号码已属于另一名学生。两名学生的记录不能合并，请联系国家管理员核实。"
)
ERR_ID_OF_ANOTHER_ACCOUNT = gettext_lazy(
    "新的证件号码已被另一个学信档案账号使用，请先由客服处理该账号（身份核验申诉）后再审核。"
)
ERR_NOTHING_CHANGES = gettext_lazy("申请的信息与当前信息相同")
ERR_PENDING_EXISTS = gettext_lazy("该学生已有待审核的身份信息变更，请等待国家管理员处理")
ERR_ALREADY_DECIDED = gettext_lazy("该申请已经审核过，本次操作未生效")
ERR_REJECT_NEEDS_NOTE = gettext_lazy("驳回时请填写原因")
REASONS_SEPARATOR = gettext_lazy("；")


def school_ids_of(person: Person) -> set[int]:
    """The schools with a (not withdrawn) record of this person."""
    ids = set(
        Enrollment.objects.filter(person=person).current().values_list("school_id", flat=True)
    )
    ids |= set(Qualification.objects.filter(person=person).values_list("school_id", flat=True))
    ids |= set(DegreeAward.objects.filter(person=person).values_list("school_id", flat=True))
    return ids


def lock_reasons(person: Person) -> list[str]:
    """Why this person's identity is not a single school's to change (empty: it is)."""
    if person.pk is None:
        return []
    reasons = []
    if len(school_ids_of(person)) > 1:
        reasons.append(str(LOCK_SHARED))
    if person.accounts.filter(is_active=True).exists():
        reasons.append(str(LOCK_BOUND))
    return reasons


def reasons_text(person: Person) -> str:
    return str(REASONS_SEPARATOR).join(lock_reasons(person))


def _national_only(person: Person) -> Refused:
    return Refused(ERR_NATIONAL_ADMIN_ONLY % {"reasons": reasons_text(person)})


def may_change_identity(user, person: Person) -> bool:
    return staff_sees_everyone(user) or (is_registrar(user) and not lock_reasons(person))


def locked_explanation(person: Person) -> str:
    return str(LOCKED_EXPLAINED % {"reasons": reasons_text(person)})


def _values_of(person: Person) -> dict[str, object]:
    return {name: getattr(person, name) for name in IDENTITY_FIELDS}


def _as_data(values: dict[str, object]) -> dict[str, str]:
    return {
        name: value.isoformat() if isinstance(value, datetime.date) else str(value)
        for name, value in values.items()
    }


def _trial(person: Person, values: dict[str, object]) -> Person:
    """A copy of ``person`` with ``values``, normalised and checked by every model rule."""
    trial = Person(pk=person.pk, **{**_values_of(person), **values})
    # Uniqueness is checked below, with a message that says what it would mean.
    trial.full_clean(exclude={"version"}, validate_unique=False, validate_constraints=False)
    check_new_document(person, trial.id_type, trial.id_number)
    return trial


def check_new_document(person: Person, id_type: str, id_number: str) -> None:
    """A new ID may belong neither to another person (a merge) nor to another account."""
    if (person.id_type, person.id_number) == (id_type, id_number):
        return
    others = Person.objects.filter(id_type=id_type, id_number=id_number)
    if others.exclude(pk=person.pk).exists():
        raise Refused(ERR_WOULD_MERGE)
    holders = get_user_model().objects.filter(
        id_type=id_type, id_number=id_number, is_active=True, identity_disputed=False
    )
    if holders.exclude(person=person).exists():
        raise Refused(ERR_ID_OF_ANOTHER_ACCOUNT)


@transaction.atomic
def person_identity_update(
    *,
    person: Person,
    values: dict[str, object],
    actor,
    reason: str,
    expected_version: int | None = None,
    tell_student: bool = True,
) -> list[str]:
    """Change identity fields of ``person`` and of every account bound to it, at once.

    Returns the names of the fields that changed. Raises ``Refused`` (not this
    user's to change, a merge, another account's ID), ``ValidationError`` (model rules) or
    ``StaleVersion`` (someone saved the person meanwhile).
    """
    locked = Person.objects.select_for_update().get(pk=person.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion
    if not may_change_identity(actor, locked):
        raise _national_only(locked)
    trial = _trial(locked, values)
    changed = [name for name in IDENTITY_FIELDS if getattr(trial, name) != getattr(locked, name)]
    if not changed:
        return []
    accounts = list(get_user_model().objects.select_for_update().filter(person=locked))
    for name in changed:
        setattr(locked, name, getattr(trial, name))
    locked._change_reason = reason[:100]
    locked._history_user = actor
    save_versioned(locked, expected_version=locked.version)
    person.version = locked.version  # the caller's copy is not stale for what follows
    copies = [ACCOUNT_COPIES[name] for name in changed if name in ACCOUNT_COPIES]
    for account in accounts:
        if copies:
            for name in changed:
                if name in ACCOUNT_COPIES:
                    setattr(account, ACCOUNT_COPIES[name], getattr(locked, name))
            account.save(update_fields=copies)
    if tell_student and accounts:
        labels = "、".join(str(concrete_field(Person, name).verbose_name) for name in changed)
        notify_person_on_commit(
            locked,
            _(
                "【学信网仿真】您的%(fields)s已由学籍管理部门更新，学信档案账号中的信息已同步。"
                "如有疑问，请联系就读学校的学籍管理部门。"
            )
            % {"fields": labels},
            _("学信网（仿真）：您的身份信息已更新"),
        )
    return changed


# --- requests ----------------------------------------------------------------------------------


def previous_values(person: Person) -> dict[str, str]:
    """The identity as it is now, as kept on a request (codes and ISO dates)."""
    return _as_data(_values_of(person))


def validate_request(*, person: Person, values: dict[str, object]) -> dict[str, object]:
    """The normalised new values, if a request for them may be filed now."""
    if IdentityChange.objects.filter(person=person, status=IdentityChangeStatus.PENDING).exists():
        raise Refused(ERR_PENDING_EXISTS)
    trial = _trial(person, values)
    if all(getattr(trial, name) == getattr(person, name) for name in IDENTITY_FIELDS):
        raise Refused(ERR_NOTHING_CHANGES)
    return _values_of(trial)


@transaction.atomic
def identity_change_submit(
    *,
    person: Person,
    values: dict[str, object],
    reason: str,
    requested_by,
    correction=None,
) -> IdentityChange:
    """File a request; the values pass every model rule now and again when approved."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    normalised = validate_request(person=locked, values=values)
    return IdentityChange.objects.create(
        person=locked,
        school=getattr(requested_by, "school", None),
        requested_by=requested_by,
        correction=correction,
        previous=previous_values(locked),
        reason=reason,
        **normalised,
    )


def _lock_pending(change: IdentityChange) -> IdentityChange:
    locked = IdentityChange.objects.select_for_update().select_related("person").get(pk=change.pk)
    if locked.status != IdentityChangeStatus.PENDING:
        raise Refused(ERR_ALREADY_DECIDED)
    return locked


def _decide(locked: IdentityChange, status: str, reviewer, note: str) -> None:
    locked.status = status
    locked.reviewer = reviewer
    locked.decided_at = timezone.now()
    locked.decision_note = note
    label = {"approved": "身份信息变更已通过", "rejected": "身份信息变更已驳回"}[status]
    locked._change_reason = (f"{label}：{note}" if note else label)[:100]  # type: ignore[attr-defined]  # read by django-simple-history when it saves
    locked.save(update_fields=["status", "reviewer", "decided_at", "decision_note"])


@transaction.atomic
def identity_change_approve(*, change: IdentityChange, reviewer, note: str = "") -> list[str]:
    """A national administrator applies the request; a linked correction becomes 已更正."""
    from . import corrections

    locked = _lock_pending(change)
    if not staff_sees_everyone(reviewer):
        raise _national_only(locked.person)
    try:
        changed = person_identity_update(
            person=locked.person,
            values={name: getattr(locked, name) for name in IDENTITY_FIELDS},
            actor=reviewer,
            reason=f"身份信息变更 {locked.public_id}：{locked.reason}",
            # A student who asked gets the correction's answer; one message is enough.
            tell_student=locked.correction_id is None,
        )
    except ValidationError as error:
        raise Refused("；".join(error.messages)) from None
    _decide(locked, IdentityChangeStatus.APPROVED, reviewer, note)
    if locked.correction is not None:
        corrections.correction_close_after_identity_change(
            correction=locked.correction, reviewer=reviewer, note=note, approved=True
        )
    return changed


@transaction.atomic
def identity_change_reject(*, change: IdentityChange, reviewer, note: str) -> None:
    from . import corrections

    if not note.strip():
        raise Refused(ERR_REJECT_NEEDS_NOTE)
    locked = _lock_pending(change)
    if not staff_sees_everyone(reviewer):
        raise _national_only(locked.person)
    _decide(locked, IdentityChangeStatus.REJECTED, reviewer, note)
    if locked.correction is not None:
        corrections.correction_close_after_identity_change(
            correction=locked.correction, reviewer=reviewer, note=note, approved=False
        )
