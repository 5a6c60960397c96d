"""Answering with a private file (photo, evidence) once a view has decided who may see it."""

from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse

from xuexin.staff import staff_needs_second_factor


def private_file_response(field_file) -> HttpResponse | FileResponse:
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
        response: HttpResponse | FileResponse = HttpResponse(content_type="image/jpeg")
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
