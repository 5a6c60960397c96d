"""History pages of personal records: masked like the lists, logged like the change page.

django-simple-history's pages list every version with a diff and show each past version as a
form. For records of people:

- ID numbers are masked in the diffs and in past versions (the full number is shown only on
  the person's current change page); coded values show their labels (汉族, not ``01``);
- past versions are read-only displays (reverting is off: it would bypass the version check
  and the rules on shared people); photos of past versions are not shown;
- every read of a history list or a past version leaves an access-log row;
- staff edits in the admin record why: 后台编辑 (or 后台新增 / 后台删除) plus the note typed in
  修改说明, so no entry reads "None".
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponseNotAllowed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.template_utils import HistoricalRecordContextHelper

from audit.models import AccessAction
from audit.services import access_record

from ..identity import mask_id_number

# Stored as data, in the records' language, like the other change reasons.
REASON_EDIT = "后台编辑"
REASON_ADD = "后台新增"
REASON_DELETE = "后台删除"
REASON_MAX = 100  # django-simple-history's history_change_reason column
MASKED_FIELDS = {"id_number"}


def staff_reason(base: str, note: str = "") -> str:
    note = " ".join((note or "").split())
    return (f"{base}：{note}" if note else base)[:REASON_MAX]


class StaffNoteFormMixin(forms.Form):
    """修改说明: an optional note that goes into the history entry of this save."""

    change_note = forms.CharField(
        label=gettext_lazy("修改说明（记入修改历史）"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("可选。历史记录中的原因为“后台编辑”加上这里填写的说明。"),
    )


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if change.field in MASKED_FIELDS and value:
            return mask_id_number(str(value))
        if getattr(field, "choices", None) and value not in (None, ""):
            return str(dict(field.flatchoices).get(value, value))
        return super().prepare_delta_change_value(change, value)


class RecordHistoryMixin:
    """For admins of models with history that hold personal data."""

    masked_history_fields: dict[str, str] = {}  # field shown masked in a past version → method

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryHelper(self.model, historical_record)  # type: ignore[attr-defined]  # mixin: provided by the admin class

    def revert_disabled(self, request: HttpRequest, obj: object = None) -> bool:
        return True

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        response = super().history_view(request, object_id, extra_context)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        if response.status_code == 200:
            obj = response.context_data["object"]
            self._log_history_read(request, _("%(object)s 的修改历史") % {"object": obj})
        return response

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        request._viewing_past_version = True  # type: ignore[attr-defined]  # a per-request flag, read by _past_version
        response = super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
        if response.status_code == 200:
            obj = response.context_data["original"]
            self._log_history_read(request, _("%(object)s 的历史版本") % {"object": obj})
        return response

    def render_history_view(self, request, template, context, **kwargs):
        # A TemplateResponse, so the page's context stays readable after rendering.
        from django.template.response import TemplateResponse

        return TemplateResponse(request, template, context, **kwargs)

    @staticmethod
    def _log_history_read(request: HttpRequest, target: str) -> None:
        access_record(request=request, action=AccessAction.VIEW_HISTORY, target=target)

    # --- past versions: read-only, masked, without photos ----------------------------------------

    def _past_version(self, request: HttpRequest) -> bool:
        return getattr(request, "_viewing_past_version", False)

    def _past_version_fields(self) -> list[str]:
        """The model's own fields, masked where needed; photos and notes left out."""
        model = self.model  # type: ignore[attr-defined]  # mixin: provided by the admin class
        shown = []
        for field in model._meta.fields:
            if not field.editable or field.auto_created or isinstance(field, models.FileField):
                continue
            shown.append(self.masked_history_fields.get(field.name, field.name))
        return shown

    def get_fields(self, request: HttpRequest, obj=None):
        if self._past_version(request):
            return self._past_version_fields()
        return super().get_fields(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if self._past_version(request):
            return [(None, {"fields": self._past_version_fields()})]
        return super().get_fieldsets(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if self._past_version(request):
            return self._past_version_fields()
        return super().get_readonly_fields(request, obj)  # type: ignore[misc]  # mixin: the admin class comes later in the MRO
