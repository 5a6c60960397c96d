"""身份信息变更 in the admin: registrars ask, national administrators decide.

A registrar files a request from a person's page when that person's identity is shared
(records at several schools, or a bound account); the form starts from the current values.
A national administrator sees every pending request with the old and new values side by side
and approves (the person and the bound accounts change together and the student is told) or
rejects with a reason. Registrars see their school's requests and how they were decided.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from audit.models import AccessAction
from audit.services import access_record
from xuexin.admin_decisions import NO_DECISION, OneDecisionMessageMixin
from xuexin.authed import signed_in_user
from xuexin.fields import concrete_field
from xuexin.refused import Refused
from xuexin.staff import is_registrar, staff_sees_everyone

from .. import identity_changes
from ..models import IdentityChange, IdentityChangeStatus, Person
from .history import RecordHistoryMixin
from .queues import DecisionForm
from .scoping import ScopedForeignKeysMixin, scoped_queryset

REQUEST_EXPLAINED = _(
    "表单已按该学生的当前信息填好：只改需要变更的项目，并写明理由。国家管理员审核通过后，"
    "学生信息和学生绑定的学信档案账号同时更新，并通知学生；驳回时会写明原因。"
)


IDENTITY_REQUEST_FIELDS = [
    "person", "name", "gender", "birth_date", "ethnicity", "id_type", "id_number", "reason",
]  # fmt: skip


class IdentityChangeRequestForm(forms.ModelForm):
    """A registrar's request: the new values (starting from the current ones) and why."""

    class Meta:
        model = IdentityChange
        fields = IDENTITY_REQUEST_FIELDS

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        person = data.get("person")
        if person is None or self.errors:
            return data
        values = {name: data.get(name) for name in identity_changes.IDENTITY_FIELDS}
        try:
            data.update(identity_changes.validate_request(person=person, values=values))
        except Refused as refused:
            raise ValidationError(str(refused.message)) from None
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return data


class IdentityDecisionForm(DecisionForm):
    decision_choices = [("approve", _("通过并修改")), ("reject", _("驳回"))]
    note_required_for = "reject"
    note_error = identity_changes.ERR_REJECT_NEEDS_NOTE

    class Meta:
        model = IdentityChange
        fields: list[str] = []


@admin.register(IdentityChange)
class IdentityChangeAdmin(
    OneDecisionMessageMixin, RecordHistoryMixin, ScopedForeignKeysMixin, SimpleHistoryAdmin
):
    list_display = ["created_at", "person", "school", "changed_fields", "status"]
    list_filter = ["status"]
    list_select_related = ["person", "school"]
    search_fields = ["person__name"]
    autocomplete_fields = ["person"]
    masked_history_fields = {"id_number": "masked_id"}

    class Media:
        css = {"all": ["css/staff-admin.css"]}

    decided_readonly = [
        "person_link",
        "school",
        "requested_by",
        "comparison",
        "reason",
        "status",
        "created_at",
        "reviewer",
        "decided_at",
        "decision_note",
    ]

    # --- who sees what ----------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if staff_sees_everyone(request.user):
            return queryset
        user = request.user
        if user.is_authenticated and is_registrar(user):
            return queryset.filter(school_id=user.school_id)
        return queryset.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return staff_sees_everyone(request.user) or is_registrar(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if not self.has_module_permission(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_registrar(request.user) or staff_sees_everyone(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Only a national administrator decides, and only a pending request.
        if not staff_sees_everyone(request.user):
            return False
        return obj is None or obj.status == IdentityChangeStatus.PENDING

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # --- the pages --------------------------------------------------------------------------

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        kwargs["form"] = IdentityChangeRequestForm if obj is None else IdentityDecisionForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj=None):
        if self._past_version(request):
            return super().get_fields(request, obj)
        if obj is None:
            return list(IDENTITY_REQUEST_FIELDS)
        if self.has_change_permission(request, obj):
            return [*self.decided_readonly, "decision", "note"]
        return self.decided_readonly

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None or self._past_version(request):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "description": REQUEST_EXPLAINED}), *rest]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if self._past_version(request):
            return super().get_readonly_fields(request, obj)
        return [] if obj is None else self.decided_readonly

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, object]:
        """Opened from a person's page: start from that person's current values."""
        initial = super().get_changeform_initial_data(request)
        person = (
            scoped_queryset(request.user, Person).filter(pk=request.GET.get("person") or 0).first()
            if str(request.GET.get("person", "")).isdigit()
            else None
        )
        if person is not None:
            initial.update(
                {name: getattr(person, name) for name in identity_changes.IDENTITY_FIELDS}
            )
            initial["person"] = person.pk
        return initial

    @admin.display(description=_("学生"))
    def person_link(self, obj: IdentityChange) -> str:
        url = reverse("admin:records_person_change", args=[obj.person_id])
        return format_html('<a href="{}">{}</a>', url, obj.person)

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj: IdentityChange) -> str:
        return obj.masked_id_number

    @admin.display(description=_("变更项目"))
    def changed_fields(self, obj: IdentityChange) -> str:
        return "、".join(label for label, _old, _new in self._rows(obj) if _old != _new) or "—"

    @admin.display(description=_("原信息 → 申请变更为"))
    def comparison(self, obj: IdentityChange) -> str:
        rows = format_html_join(
            "",
            '<tr class="{}"><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
            (
                ("staff-changed" if old != new else "", label, old, new)
                for label, old, new in self._rows(obj)
            ),
        )
        return format_html(
            '<table class="staff-comparison"><thead><tr><th></th><th>{}</th><th>{}</th></tr>'
            "</thead><tbody>{}</tbody></table>",
            _("原信息"),
            _("申请变更为"),
            rows,
        )

    @staticmethod
    def _rows(obj: IdentityChange) -> list[tuple[str, str, str]]:
        rows = []
        for name in identity_changes.IDENTITY_FIELDS:
            field = concrete_field(IdentityChange, name)
            new = getattr(obj, name)
            old = obj.previous.get(name, "")
            if field.choices:
                choices = dict(field.flatchoices)
                old, new = choices.get(old, old), choices.get(new, new)
            new = new.isoformat() if hasattr(new, "isoformat") else new
            rows.append((str(field.verbose_name), str(old), str(new)))
        return rows

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if request.method == "GET" and response.status_code == 200 and original is not None:
            access_record(
                request=request, action=AccessAction.VIEW_PERSON, target=str(original.person)
            )
        return response

    # --- saving -----------------------------------------------------------------------------

    def save_model(self, request: HttpRequest, obj: IdentityChange, form, change: bool) -> None:
        if not change:
            with transaction.atomic():
                person = Person.objects.select_for_update().get(pk=obj.person_id)
                obj.previous = identity_changes.previous_values(person)
                user = signed_in_user(request)
                obj.requested_by = user
                obj.school = user.school if user.school_id else None
                obj.save()
            self.report(
                request, messages.SUCCESS, _("身份信息变更申请已提交，等待国家管理员审核。")
            )
            return
        decision = form.cleaned_data.get("decision")
        note = form.cleaned_data.get("note", "")
        try:
            if decision == "approve":
                identity_changes.identity_change_approve(
                    change=obj, reviewer=request.user, note=note
                )
                done = _("已通过：学生信息和绑定的账号已更新，并已通知学生。")
            elif decision == "reject":
                identity_changes.identity_change_reject(
                    change=obj, reviewer=request.user, note=note
                )
                done = _("已驳回该申请。")
            else:
                self.report(request, messages.INFO, NO_DECISION)
                return
        except Refused as refused:
            self.report(request, messages.ERROR, refused.message)
        else:
            self.report(request, messages.SUCCESS, done)
