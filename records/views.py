"""Views of the records app that serve private files."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.decorators import identity_verified_required

from .access import get_enrollment_for_user, get_qualification_for_user
from .models import DegreeAward, Enrollment, Qualification

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


@identity_verified_required
def archive_home(request: HttpRequest) -> HttpResponse:
    """学信档案 home: greeting and counts of the student's records."""
    person = request.user.person
    counts = {"enrollments": 0, "qualifications": 0, "degrees": 0}
    if person is not None:
        counts = {
            "enrollments": Enrollment.objects.for_person(person).count(),
            "qualifications": Qualification.objects.for_person(person).count(),
            "degrees": DegreeAward.objects.for_person(person).count(),
        }
    return render(request, "records/archive_home.html", {"counts": counts, "person": person})
