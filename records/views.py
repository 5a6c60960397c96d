"""Views of the records app outside the archive pages: private files (photos, correction
evidence) and the public 教育网 list of schools."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AccessAction
from audit.services import staff_download
from xuexin.private_files import refuse_staff_without_second_factor
from xuexin.staff import is_registrar, staff_sees_everyone

from .access import get_record_for
from .models import CorrectionRequest, Enrollment, Qualification, School

ENROLLMENT_PHOTO_FIELDS = {"admission": "admission_photo", "diploma": "diploma_photo"}


@require_GET
def enrollment_photo(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    field_name = ENROLLMENT_PHOTO_FIELDS.get(kind)
    if field_name is None:
        raise Http404
    refuse_staff_without_second_factor(request)
    enrollment = get_record_for(request.user, Enrollment, public_id)
    photo = getattr(enrollment, field_name)
    target = f"{enrollment.person} {enrollment} {photo.field.verbose_name}"
    return staff_download(request, AccessAction.DOWNLOAD_PHOTO, target, photo)


@require_GET
def qualification_photo(request: HttpRequest, public_id: str) -> HttpResponse:
    refuse_staff_without_second_factor(request)
    qualification = get_record_for(request.user, Qualification, public_id)
    target = f"{qualification.person} {qualification.school.name} 学历照片"
    return staff_download(request, AccessAction.DOWNLOAD_PHOTO, target, qualification.photo)


@require_GET
def correction_evidence(request: HttpRequest, public_id: str) -> HttpResponse:
    """Evidence of a correction request, for the staff who may review it."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404
    refuse_staff_without_second_factor(request)
    corrections = CorrectionRequest.objects.filter(public_id=public_id).select_related("person")
    if not staff_sees_everyone(user):
        if not is_registrar(user):
            raise Http404
        corrections = corrections.filter(school_id=user.school_id)
    found = corrections.first()
    if found is None:
        raise Http404
    target = f"{found.person} 更正申请 {found.public_id} 证明材料"
    return staff_download(request, AccessAction.DOWNLOAD_EVIDENCE, target, found.evidence)


@require_GET
def edu(request: HttpRequest) -> HttpResponse:
    """教育网: the real site links out to the education network; the simulation stays offline
    and lists the schools it knows instead."""
    schools = School.objects.order_by("province", "code").only("code", "name", "province")
    return render(request, "edu.html", {"schools": schools})
