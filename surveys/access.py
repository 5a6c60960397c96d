"""Which surveys and result tables a staff member reaches (DESIGN §4.6).

National administrators create and run surveys, see every school's figures and, alone, the
individual answers. A registrar sees the published surveys addressed to their school, and only
their school's aggregate figures. Other staff (客服) see no surveys.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from records.models import School
from xuexin.staff import is_registrar, staff_sees_everyone

from .models import Survey


def surveys_for_staff(user) -> QuerySet[Survey]:
    if staff_sees_everyone(user):
        return Survey.objects.all()
    if is_registrar(user):
        addressed = Q(schools__isnull=True) | Q(schools=user.school_id)
        return Survey.objects.visible_to_students().filter(addressed).distinct()
    return Survey.objects.none()


def results_school(user, requested_code: str | None) -> School | None:
    """The school whose figures to show: a registrar's own, always; else the one asked for."""
    if is_registrar(user):
        return School.objects.get(pk=user.school_id)
    if not staff_sees_everyone(user):
        raise Http404
    if not requested_code:
        return None
    school = School.objects.filter(code=requested_code).first()
    if school is None:
        raise Http404
    return school
