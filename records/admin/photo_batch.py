"""批量上传学历照片 on the 学籍 list: upload → a verdict per file → confirm all or nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xuexin.refused import Refused
from xuexin.staff import is_registrar, staff_sees_everyone

from .. import photo_batch
from ..models import School

ERR_CHOOSE_FILE = gettext_lazy("请选择要上传的 ZIP 压缩包")


class PhotoBatchForm(forms.Form):
    key = forms.ChoiceField(
        label=gettext_lazy("照片文件的命名方式"),
        choices=[
            (photo_batch.BY_STUDENT_NUMBER, gettext_lazy("按学号命名，如 2020558000051.jpg")),
            (photo_batch.BY_ID_NUMBER, gettext_lazy("按证件号码命名，如 110105199803070517.jpg")),
        ],
        initial=photo_batch.BY_STUDENT_NUMBER,
        widget=forms.RadioSelect,
    )
    archive = forms.FileField(
        label=gettext_lazy("ZIP 压缩包"),
        error_messages={"required": ERR_CHOOSE_FILE},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args: Any, user, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_registrar(user):
            # A national administrator names the school; a registrar's is their own.
            self.fields["school"] = forms.ModelChoiceField(
                label=gettext_lazy("院校"), queryset=School.objects.order_by("code")
            )
            self.order_fields(["school", "key", "archive"])


class PhotoBatchMixin:
    """URLs and pages of the batch upload, for staff who may change 学籍."""

    def get_urls(self):
        opts = self.model._meta  # type: ignore[attr-defined]  # mixin: provided by the admin class
        prefix = f"{opts.app_label}_{opts.model_name}"
        wrap = self.admin_site.admin_view  # type: ignore[attr-defined]  # mixin: provided by the admin class
        return [
            path("photos/", wrap(self.photo_batch_view), name=f"{prefix}_photo_batch"),
            path(
                "photos/<str:token>/",
                wrap(self.photo_batch_result_view),
                name=f"{prefix}_photo_batch_result",
            ),
            *super().get_urls(),  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        ]

    def _require_batch_permission(self, request: HttpRequest) -> None:
        user = request.user
        allowed = is_registrar(user) or staff_sees_everyone(user)
        if not (allowed and self.has_change_permission(request)):  # type: ignore[attr-defined]  # mixin: provided by the admin class
            raise PermissionDenied

    def _page(self, request: HttpRequest, template: str, **context: object) -> TemplateResponse:
        base = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]  # mixin: provided by the admin class
            "opts": self.model._meta,  # type: ignore[attr-defined]  # mixin: provided by the admin class
            "limits": {
                "zip_mb": photo_batch._megabytes(photo_batch._limits()[0]),
                "files": photo_batch._limits()[1],
                "photo_mb": round(settings.PHOTO_MAX_BYTES / 1024 / 1024, 1),
            },
        }
        return TemplateResponse(request, template, {**base, **context})

    @staticmethod
    def _school_of(request: HttpRequest, form: PhotoBatchForm) -> School:
        user = request.user
        if user.is_authenticated and is_registrar(user) and user.school is not None:
            return user.school
        return form.cleaned_data["school"]

    def photo_batch_view(self, request: HttpRequest) -> HttpResponse:
        self._require_batch_permission(request)
        form = PhotoBatchForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                batch = photo_batch.photo_batch_check(
                    user=request.user,
                    school=self._school_of(request, form),
                    key=form.cleaned_data["key"],
                    upload=form.cleaned_data["archive"],
                )
            except Refused as refused:
                form.add_error("archive", str(refused.message))
            else:
                # After the POST, a page of its own: reloading it repeats nothing.
                opts = self.model._meta  # type: ignore[attr-defined]  # mixin: provided by the admin class
                url = reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_photo_batch_result",
                    args=[batch.token],
                )
                return HttpResponseRedirect(url, status=303)
        elif request.method != "GET" and request.method != "POST":
            return HttpResponseNotAllowed(["GET", "POST"])
        return self._page(
            request,
            "admin/records/enrollment/photo_batch.html",
            title=_("批量上传学历照片"),
            form=form,
        )

    def photo_batch_result_view(self, request: HttpRequest, token: str) -> HttpResponse:
        self._require_batch_permission(request)
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        opts = self.model._meta  # type: ignore[attr-defined]  # mixin: provided by the admin class
        upload_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_photo_batch")
        try:
            batch = photo_batch.photo_batch_load(user=request.user, token=token)
        except Refused as refused:
            messages.error(request, str(refused.message))
            return HttpResponseRedirect(upload_url)
        if request.method == "POST":
            try:
                count = photo_batch.photo_batch_apply(user=request.user, token=token)
            except Refused as refused:
                messages.error(request, _("没有更换任何照片：%(why)s") % {"why": refused.message})
                return HttpResponseRedirect(upload_url)
            messages.success(request, _("已更换 %(count)d 名学生的学历照片。") % {"count": count})
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            )
        return self._page(
            request,
            "admin/records/enrollment/photo_batch_result.html",
            title=_("批量上传学历照片：试上传结果"),
            batch=batch,
            summary=photo_batch.summary(batch),
            school=School.objects.filter(pk=batch.school_id).first(),
            key_label=photo_batch.KEYS[batch.key],
            upload_url=upload_url,
        )
