"""Who may see which person and record.

``get_record_for`` returns the object only if the user may see it, and raises
Http404 otherwise: someone else's photo gets the same answer as one that does not exist.

- a student sees the records of the person bound to the account, once the identity check passed;
- a school registrar (staff with a school) sees that school's records and the people in them;
- a national administrator (superuser, or staff without a school who holds the records
  permissions of the 国家管理员 role) sees everything; other staff without a school (客服) see
  no records at all.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar, overload

from django.db import models
from django.http import Http404

from xuexin.staff import is_registrar, staff_sees_everyone

from .models import (
    DegreeAward,
    Enrollment,
    EnrollmentQuerySet,
    Person,
    Qualification,
    RecordQuerySet,
)

RecordT = TypeVar("RecordT", Enrollment, Qualification, DegreeAward)


def persons_visible_to(user) -> models.QuerySet[Person]:
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if staff_sees_everyone(user):
        return Person.objects.all()
    if is_registrar(user):
        return Person.objects.at_school(user.school)
    if not user.is_staff and user.person_id and user.identity_verified_at:
        return Person.objects.filter(pk=user.person_id)
    return Person.objects.none()


@overload
def records_visible_to(user: Any, model: type[Enrollment]) -> EnrollmentQuerySet: ...
@overload
def records_visible_to(
    user: Any, model: type[Enrollment] | type[Qualification] | type[DegreeAward]
) -> RecordQuerySet: ...


def records_visible_to(
    user: Any, model: type[Enrollment] | type[Qualification] | type[DegreeAward]
) -> RecordQuerySet:
    """Enrollments, qualifications or degrees this user may read."""
    if not user.is_authenticated or not user.is_active:
        return model.objects.none()
    if staff_sees_everyone(user):
        return model.objects.all()
    if is_registrar(user):
        return model.objects.filter(school_id=user.school_id)
    if not user.is_staff and user.person_id and user.identity_verified_at:
        own = model.objects.filter(person_id=user.person_id)
        # A withdrawn (撤销) 学籍 was entered by mistake: its student no longer sees it.
        return own.filter(withdrawn_at__isnull=True) if model is Enrollment else own
    return model.objects.none()


def parse_public_id(raw: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise Http404 from None


def get_record_for(user: Any, model: type[RecordT], public_id: object) -> RecordT:
    """The 学籍, 学历 or 学位 with this public id if ``user`` may see it, else Http404 (the
    same answer as for one that does not exist)."""
    found = (
        records_visible_to(user, model)
        .filter(public_id=parse_public_id(public_id))
        .select_related("person", "school")
        .first()
    )
    if found is None:
        raise Http404
    return found
