"""Views of the records app that serve private files."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from .access import (
    get_enrollment_for_user,
    get_qualification_for_user,
    is_registrar,
    staff_sees_everyone,
)
from .models import CorrectionRequest

ENROLLMENT_PHOTO_FIELDS = {"admission": "admission_photo", "diploma": "diploma_photo"}


def private_file_response(field_file) -> FileResponse:  # type: ignore[no-untyped-def]
    if not field_file:
        raise Http404
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


@require_GET
def enrollment_photo(request: HttpRequest, public_id: str, kind: str) -> FileResponse:
    field_name = ENROLLMENT_PHOTO_FIELDS.get(kind)
    if field_name is None:
        raise Http404
    enrollment = get_enrollment_for_user(request.user, public_id)
    return private_file_response(getattr(enrollment, field_name))


@require_GET
def qualification_photo(request: HttpRequest, public_id: str) -> FileResponse:
    qualification = get_qualification_for_user(request.user, public_id)
    return private_file_response(qualification.photo)


@require_GET
def correction_evidence(request: HttpRequest, public_id: str) -> FileResponse:
    """Evidence of a correction request, for the staff who may review it."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404
    corrections = CorrectionRequest.objects.filter(public_id=public_id)
    if not staff_sees_everyone(user):
        if not is_registrar(user):
            raise Http404
        corrections = corrections.filter(school_id=user.school_id)
    found = corrections.first()
    if found is None:
        raise Http404
    return private_file_response(found.evidence)
