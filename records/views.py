"""Views of the records app that serve private files."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from audit.models import AccessAction
from audit.services import access_record
from xuexin.staff import is_registrar, staff_needs_second_factor, staff_sees_everyone

from .access import get_enrollment_for_user, get_qualification_for_user
from .models import CorrectionRequest

ENROLLMENT_PHOTO_FIELDS = {"admission": "admission_photo", "diploma": "diploma_photo"}


def private_file_response(field_file) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Stream a private file, or hand it to nginx with X-Accel-Redirect when configured.

    Either way this view has already decided who may see the file; nginx's internal location
    cannot be reached from outside (deploy/nginx.conf).
    """
    if not field_file:
        raise Http404
    prefix = settings.PRIVATE_MEDIA_ACCEL_REDIRECT
    if prefix:
        if not field_file.storage.exists(field_file.name):
            raise Http404
        response: HttpResponse = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + field_file.name
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type="image/jpeg")
    # Personal data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def refuse_staff_without_second_factor(request: HttpRequest) -> None:
    """Staff read private files only after the TOTP step, like every admin page."""
    if staff_needs_second_factor(request.user):
        raise Http404


def staff_download(request: HttpRequest, action: AccessAction, target: str, field_file):  # type: ignore[no-untyped-def]
    """Serve a private file; a staff member's download lands in the access log first."""
    response = private_file_response(field_file)
    if request.user.is_staff:
        access_record(request=request, action=action, target=target)
    return response


@require_GET
def enrollment_photo(request: HttpRequest, public_id: str, kind: str) -> HttpResponse:
    field_name = ENROLLMENT_PHOTO_FIELDS.get(kind)
    if field_name is None:
        raise Http404
    refuse_staff_without_second_factor(request)
    enrollment = get_enrollment_for_user(request.user, public_id)
    photo = getattr(enrollment, field_name)
    target = f"{enrollment.person} {enrollment} {photo.field.verbose_name}"
    return staff_download(request, AccessAction.DOWNLOAD_PHOTO, target, photo)


@require_GET
def qualification_photo(request: HttpRequest, public_id: str) -> HttpResponse:
    refuse_staff_without_second_factor(request)
    qualification = get_qualification_for_user(request.user, public_id)
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
