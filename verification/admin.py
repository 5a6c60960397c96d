"""查验申请 in the admin: national administrators read them; nobody adds, edits or deletes.

A request names a candidate, not a school, so there is nothing a registrar's scope could
select: registrars never see them (as the access log). The answers show which account
approved or declined and when; the code itself stays sealed (the student's report page has it).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.mixins import AccessLoggedAdminMixin
from records.access import is_registrar

from .models import VerifierRequest, VerifierRequestAnswer


class ReadOnlyForNationalStaff:
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return not is_registrar(request.user) and super().has_view_permission(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AnswerInline(ReadOnlyForNationalStaff, admin.TabularInline):
    model = VerifierRequestAnswer
    fields = ("candidate", "decision", "decided_at", "recipient", "emailed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(VerifierRequest)
class VerifierRequestAdmin(ReadOnlyForNationalStaff, AccessLoggedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "organisation", "contact_name", "candidate_name", "kinds_shown",
                    "answer_count", "notified_at", "expires_at"]  # fmt: skip
    list_filter = ["created_at"]
    search_fields = ["organisation", "contact_email", "candidate_name"]
    date_hierarchy = "created_at"
    fields = ("organisation", "contact_name", "contact_email", "contact_phone", "candidate_name",
              "id_last4", "kinds", "purpose", "language", "created_at", "expires_at",
              "notified_at", "ip_prefix")  # fmt: skip
    readonly_fields = fields
    inlines = [AnswerInline]
    actions = None

    @admin.display(description=_("申请查验"))
    def kinds_shown(self, obj: VerifierRequest) -> str:
        return obj.get_kinds_display()

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).annotate(answered=Count("answers"))

    @admin.display(description=_("处理数"), ordering="answered")
    def answer_count(self, obj: VerifierRequest) -> int:
        return obj.answered  # type: ignore[attr-defined]  # annotated by get_queryset
