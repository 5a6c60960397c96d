"""Bulk approve / reject in the review queues: an admin action with a confirmation page.

The page lists the chosen requests and takes the note the students will read (rejecting needs
one). Confirming applies the same service as the one-by-one decision to each request, each in
its own transaction, and reports how many were applied, already decided or refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ERR_NOTE_REQUIRED = gettext_lazy("请填写原因，学生会看到该原因")
ALREADY_DECIDED = gettext_lazy("该申请已经处理过（当前状态：%(status)s），本次操作未生效。")
NO_DECISION = gettext_lazy("未选择处理结果，申请未作改动。")


class OneDecisionMessageMixin:
    """A decision on a change page ends with one message: what happened.

    ``save_model`` reports the outcome (done, already decided, refused) and marks the request;
    the admin's own "…was changed successfully" (with the object's raw title) is then dropped,
    so a refusal is never followed by a success.
    """

    def report(self, request: HttpRequest, level: int, text: object) -> None:
        messages.add_message(request, level, str(text))
        request._decision_reported = True  # type: ignore[attr-defined]  # a per-request flag, read by message_user

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_decision_reported", False) and level == messages.SUCCESS:
            return
        super().message_user(request, message, level, *args, **kwargs)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("说明（学生可见）"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, note_required: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.note_required = note_required
        self.fields["note"].required = note_required
        self.fields["note"].error_messages["required"] = ERR_NOTE_REQUIRED

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


def decision_action(
    *,
    name: str,
    label: StrOrPromise,
    decide: Callable[..., object],
    already_decided: tuple[type[Exception], ...],
    note_required: bool = False,
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet], TemplateResponse | None]:
    """An admin action that applies ``decide(obj, reviewer=..., note=...)`` to each object."""

    def action(
        modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
    ) -> TemplateResponse | None:
        confirmed = request.POST.get("confirm") == "yes"
        form = DecisionNoteForm(request.POST if confirmed else None, note_required=note_required)
        if confirmed and form.is_valid():
            applied = skipped = refused = escalated = 0
            for obj in queryset:
                try:
                    outcome = decide(obj, reviewer=request.user, note=form.cleaned_data["note"])
                except already_decided:
                    skipped += 1
                except ValidationError as error:
                    refused += 1
                    messages.error(request, f"{obj}：{'；'.join(error.messages)}")
                else:
                    applied += 1
                    escalated += outcome == "escalated"
            counts = {
                "label": label,
                "applied": applied,
                "skipped": skipped,
                "refused": refused,
                "escalated": escalated,
            }
            text = _(
                "%(label)s：已处理 %(applied)d 条，已处理过而跳过 %(skipped)d 条，"
                "失败 %(refused)d 条。"
            )
            if escalated:
                text += _("其中 %(escalated)d 条涉及学生身份信息，已提交国家管理员审核。")
            messages.info(request, text % counts)
            return None
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": label,
            "objects": list(queryset),
            "form": form,
            "action_name": name,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/records/review_decision.html", context)

    action.__name__ = name
    return admin.action(description=label, permissions=["change"])(action)
