"""Views of the records app that serve private files."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from .access import get_enrollment_for_user, get_qualification_for_user

ENROLLMENT_PHOTO_FIELDS = {"admission": "admission_photo", "diploma": "diploma_photo"}


def _private_file_response(field_file) -> FileResponse:  # type: ignore[no-untyped-def]
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
    return _private_file_response(getattr(enrollment, field_name))


@require_GET
def qualification_photo(request: HttpRequest, public_id: str) -> FileResponse:
    qualification = get_qualification_for_user(request.user, public_id)
    return _private_file_response(qualification.photo)
