"""Roster import (dry run, then all-or-nothing) and masked export on the enrolment admin."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from audit.models import AccessAction
from audit.services import access_record

from ..roster import EnrollmentRosterResource, import_summary


class RosterImportExportMixin(ImportExportMixin):
    resource_classes = [EnrollmentRosterResource]
    formats = [CSV, XLSX]
    import_template_name = "admin/records/enrollment/roster_import.html"
    # django-import-export's own "imported through import_export" entries would duplicate the
    # history records every change already gets.
    skip_admin_log = True

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)  # type: ignore[attr-defined]

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)  # type: ignore[attr-defined]

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: object) -> dict:
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: object) -> dict:
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs: object) -> dict:
        # All or nothing: a row that fails when confirming rolls the whole file back.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request: HttpRequest) -> HttpResponse:  # type: ignore[no-untyped-def]
        if result.has_errors() or result.has_validation_errors():
            # Something changed between the dry run and the confirmation: nothing was written.
            messages.error(
                request,
                _("导入未完成，没有写入任何数据：%(summary)s。请重新试导入查看每行的问题。")
                % {"summary": import_summary(result)},
            )
            opts = self.model._meta  # type: ignore[attr-defined]
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        access_record(
            request=request,
            action=AccessAction.IMPORT,
            target=_("学籍名册 %(rows)d 行") % {"rows": result.total_rows},
        )
        messages.success(
            request, _("导入完成：%(summary)s。") % {"summary": import_summary(result)}
        )
        opts = self.model._meta  # type: ignore[attr-defined]
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def get_export_data(self, file_format, request: HttpRequest, queryset, **kwargs):  # type: ignore[no-untyped-def]
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        access_record(
            request=request,
            action=AccessAction.EXPORT,
            target=_("学籍名册 %(rows)d 条（证件号码已脱敏）") % {"rows": queryset.count()},
        )
        return data
