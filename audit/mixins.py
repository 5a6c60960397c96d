"""Admin pages that show personal data leave an access-log row when staff read them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from xuexin.logging import redact

from .models import AccessAction
from .services import access_record


class AccessLoggedAdminMixin:
    """Log staff reads of a model's change page and of its list (with the search typed).

    Writes are kept by django-simple-history; this covers reads. Only successful GETs count,
    and every text is redacted (an ID number typed into the search box is stored masked).
    """

    access_action: AccessAction = AccessAction.VIEW_RECORD

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context=None) -> HttpResponse:  # fmt: skip
        response = super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        shown = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and shown is not None:
            label = self.model._meta.verbose_name  # type: ignore[attr-defined]  # mixin: provided by the admin class
            access_record(request=request, action=self.access_action, target=f"{label} {shown}")
        return response

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        if request.method == "GET" and response.status_code == 200:
            label = self.model._meta.verbose_name_plural  # type: ignore[attr-defined]  # mixin: provided by the admin class
            term = request.GET.get("q", "").strip()
            target = f"{label} 列表" + (f" 搜索“{redact(term)}”" if term else "")
            access_record(request=request, action=AccessAction.VIEW_LIST, target=target)
        return response
