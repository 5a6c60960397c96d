"""The access log in the admin: national administrators read it; nobody adds, edits or deletes."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xuexin.staff import is_registrar

from .models import AccessLog


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "target", "ip_prefix", "short_path"]
    list_filter = ["action", "created_at"]
    search_fields = ["actor_label", "target"]
    date_hierarchy = "created_at"
    list_per_page = 100
    fields = ("created_at", "actor", "actor_label", "action", "target", "path", "ip_prefix")
    readonly_fields = fields
    actions = None

    @admin.display(description=_("地址"), ordering="path")
    def short_path(self, obj: AccessLog) -> str:
        # Full paths (with public ids) are on the entry's own page; the list stays readable.
        return obj.path if len(obj.path) <= 40 else f"{obj.path[:39]}…"

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # The permission alone is not enough: a registrar must never read other schools' trail.
        return not is_registrar(request.user) and request.user.has_perm("audit.view_accesslog")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
