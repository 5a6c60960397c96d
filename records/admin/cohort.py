"""Registrar tools on the 学籍 list: a cohort's 学籍状态 at once, 撤销 and its undoing, filters.

Each action first shows a confirmation page (the selection, its size and a form); confirming
runs one service of ``records.cohort`` in one transaction and reports a count, or names the row
that stopped everything when nothing was changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuexin.refused import Refused
from xuexin.staff import staff_sees_everyone

from .. import codes, cohort

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERR_NOTE_REQUIRED = gettext_lazy("请填写说明，它会记入每条学籍的修改历史")
SHOWN_ON_CONFIRMATION = 200


class NoteField(forms.CharField):
    def __init__(self, label: StrOrPromise, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            max_length=80,
            error_messages={"required": ERR_NOTE_REQUIRED},
            widget=forms.TextInput(attrs={"size": 60}),
            **kwargs,
        )

    def clean(self, value):
        return super().clean(" ".join((value or "").split()))


class BulkStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("新的学籍状态"), choices=codes.ENROLLMENT_STATUSES
    )
    leave_date = forms.DateField(
        label=gettext_lazy("离校日期（可选）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("毕业、退学等离校的状态可同时填写离校日期；留空则不改。"),
    )
    note = NoteField(gettext_lazy("说明（记入修改历史）"))


class WithdrawForm(forms.Form):
    note = NoteField(gettext_lazy("撤销原因（记入修改历史）"))


class RestoreForm(forms.Form):
    note = NoteField(gettext_lazy("恢复原因（记入修改历史）"))


def _confirmation(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    name: str,
    title: object,
    form: forms.Form,
    explanation: object,
) -> TemplateResponse:
    selected = list(queryset.select_related("person", "school")[:SHOWN_ON_CONFIRMATION])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "explanation": explanation,
        "objects": selected,
        "count": queryset.count(),
        "more": max(0, queryset.count() - len(selected)),
        "form": form,
        "action_name": name,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across") == "1",
        "selected_ids": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "opts": modeladmin.model._meta,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/records/enrollment/cohort_action.html", context)


def _action(
    *,
    name: str,
    label: StrOrPromise,
    form_class: type[forms.Form],
    explanation: object,
    apply: Callable[[HttpRequest, QuerySet, dict], str],
    permission: str = "change",
):
    def action(modeladmin, request: HttpRequest, queryset: QuerySet):
        confirmed = request.POST.get("confirm") == "yes"
        form = form_class(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            try:
                text = apply(request, queryset, form.cleaned_data)
            except Refused as refused:
                messages.error(
                    request, _("未修改任何学籍：%(problem)s") % {"problem": refused.message}
                )
            else:
                messages.success(request, text)
            return None
        return _confirmation(
            modeladmin, request, queryset, name=name, title=label, form=form,
            explanation=explanation,
        )  # fmt: skip

    action.__name__ = name
    return admin.action(description=label, permissions=[permission])(action)


def _change_status(request: HttpRequest, queryset: QuerySet, data: dict) -> str:
    changed, unchanged = cohort.enrollments_change_status(
        ids=queryset.values_list("pk", flat=True),
        status=data["status"],
        note=data["note"],
        actor=request.user,
        leave_date=data.get("leave_date"),
    )
    status = dict(codes.ENROLLMENT_STATUSES)[data["status"]]
    return _(
        "已将 %(changed)d 条学籍的学籍状态改为“%(status)s”；%(unchanged)d 条原本如此，未改动。"
    ) % {
        "changed": changed,
        "status": status,
        "unchanged": unchanged,
    }


def _withdraw(request: HttpRequest, queryset: QuerySet, data: dict) -> str:
    count = cohort.enrollments_withdraw(
        ids=queryset.values_list("pk", flat=True), reason=data["note"], actor=request.user
    )
    return _("已撤销 %(count)d 条学籍：学生不再看到它们，修改历史保留。") % {"count": count}


def _restore(request: HttpRequest, queryset: QuerySet, data: dict) -> str:
    count = cohort.enrollments_restore(
        ids=queryset.values_list("pk", flat=True), note=data["note"], actor=request.user
    )
    return _("已恢复 %(count)d 条已撤销的学籍。") % {"count": count}


change_status = _action(
    name="change_status",
    label=gettext_lazy("批量修改学籍状态"),
    form_class=BulkStatusForm,
    explanation=gettext_lazy(
        "所选学籍将在一个事务中改为同一学籍状态：任何一条不符合规则，全部不修改。每条学籍都会记入修改历史。"
    ),
    apply=_change_status,
)
withdraw = _action(
    name="withdraw",
    label=gettext_lazy("撤销误录的学籍"),
    form_class=WithdrawForm,
    explanation=gettext_lazy(
        "撤销用于误录的学籍：学生的学信档案中不再显示，已生成的在线验证报告随即关闭；"
        "学籍及其修改历史仍保留，只有国家管理员可以恢复。"
    ),
    apply=_withdraw,
)
restore = _action(
    name="restore",
    label=gettext_lazy("恢复已撤销的学籍"),
    form_class=RestoreForm,
    explanation=gettext_lazy("恢复后学生重新看到这些学籍（已关闭的在线验证报告不会重新打开）。"),
    apply=_restore,
    permission="restore",
)


class RegistrarToolsMixin:
    """The actions above, and the restore permission only national administrators hold."""

    actions = [change_status, withdraw, restore]

    def has_restore_permission(self, request: HttpRequest) -> bool:
        return staff_sees_everyone(request.user)


# --- list filters ------------------------------------------------------------------------------


class EntryYearFilter(admin.SimpleListFilter):
    title = gettext_lazy("入学年份")
    parameter_name = "entry_year"

    def lookups(self, request, model_admin):
        # From the admin's own (scoped) queryset: a registrar sees only their school's years.
        years = model_admin.get_queryset(request).dates("entry_date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(entry_date__year=int(value))
        return queryset


class WithdrawnFilter(admin.SimpleListFilter):
    title = gettext_lazy("撤销")
    parameter_name = "withdrawn"

    def lookups(self, request, model_admin):
        return [("no", _("未撤销")), ("yes", _("已撤销"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(withdrawn_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(withdrawn_at__isnull=False)
        return queryset
