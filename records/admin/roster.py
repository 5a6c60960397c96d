"""Roster import (dry run, then all-or-nothing), export and templates on the enrolment admin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.forms import SelectableFieldsExportForm

from audit.models import AccessAction
from audit.services import access_record
from xuexin.authed import signed_in_user

from ..models import School
from ..roster import EnrollmentRosterFullResource, EnrollmentRosterResource, import_summary
from ..rosterfile import (
    CODED_COLUMNS,
    ERR_NOT_READABLE,
    HEADERS,
    RosterCSV,
    RosterFileError,
    RosterXLSX,
    template_csv,
    template_xlsx,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterExportForm(SelectableFieldsExportForm):
    """The export page in the roster's own words: each column by its Chinese header."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resource"].label = gettext_lazy("名册")
        self.fields["format"].label = gettext_lazy("格式")

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field is not None else field_name


def may_export_full_ids(request: HttpRequest) -> bool:
    """Full ID numbers go to staff who see them on a person's page anyway."""
    return request.user.has_perm("records.change_person")


class RosterImportExportMixin(ImportExportMixin):
    resource_classes = [EnrollmentRosterResource]
    formats = [RosterCSV, RosterXLSX]
    export_form_class = RosterExportForm
    import_template_name = "admin/records/enrollment/roster_import.html"
    # django-import-export's own "imported through import_export" entries would duplicate the
    # history records every change already gets.
    skip_admin_log = True

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_import_resource_classes(self, request: HttpRequest) -> list:
        return [EnrollmentRosterResource]

    def get_export_resource_classes(self, request: HttpRequest) -> list:
        if may_export_full_ids(request):
            return [EnrollmentRosterResource, EnrollmentRosterFullResource]
        return [EnrollmentRosterResource]

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict:
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict:
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs: Any) -> dict:
        # All or nothing: a row that fails when confirming rolls the whole file back.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        # The library's message names the Python exception; ours says what to do.
        message = e.message if isinstance(e, RosterFileError) else ERR_NOT_READABLE
        form.add_error("import_file", str(message))

    def get_import_context_data(self, **kwargs: Any) -> dict:
        return {
            **super().get_import_context_data(**kwargs),
            "roster_headers": HEADERS,
            "coded_columns": [
                (column, [str(label) for _code, label in choices])
                for column, choices in CODED_COLUMNS.items()
            ],
        }

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.roster_template_view)
        return [
            path(
                "import/template.<str:extension>",
                view,
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            ),
            *super().get_urls(),
        ]

    def roster_template_view(self, request: HttpRequest, extension: str) -> HttpResponse:
        """模板下载: the headers, one example row and (in XLSX) the allowed values."""
        if not self.has_import_permission(request) or extension not in {"xlsx", "csv"}:
            return HttpResponse(status=404)
        user = signed_in_user(request)  # an admin view: staff only
        school = user.school if user.school_id else School.objects.order_by("code").first()
        code = school.code if school else "10001"
        if extension == "xlsx":
            response = HttpResponse(template_xlsx(code), content_type=XLSX_TYPE)
        else:
            response = HttpResponse(template_csv(code), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="roster-template.{extension}"'
        return response

    def process_result(self, result, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            # Something changed between the dry run and the confirmation: nothing was written.
            messages.error(
                request,
                _("导入未完成，没有写入任何数据：%(summary)s。请重新试导入查看每行的问题。")
                % {"summary": import_summary(result)},
            )
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
        access_record(
            request=request,
            action=AccessAction.IMPORT,
            target=_("学籍名册 %(rows)d 行") % {"rows": result.total_rows},
        )
        messages.success(
            request, _("导入完成：%(summary)s。") % {"summary": import_summary(result)}
        )
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def get_export_data(self, file_format, request: HttpRequest, queryset, **kwargs):
        resource = self.choose_export_resource_class(kwargs.get("export_form"), request)
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        rows = queryset.current().count()
        if resource is EnrollmentRosterFullResource:
            action = AccessAction.EXPORT_FULL_ID
            target = _("学籍名册 %(rows)d 条（含完整证件号码）") % {"rows": rows}
        else:
            action = AccessAction.EXPORT
            target = _("学籍名册 %(rows)d 条（证件号码已脱敏）") % {"rows": rows}
        access_record(request=request, action=action, target=target)
        return data
