"""Admin for accounts. Name and ID number of a student change only here, by staff."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.mixins import AccessLoggedAdminMixin
from audit.models import AccessAction
from records.identity import mask_id_number
from xuexin.admin_decisions import decision_action
from xuexin.authed import signed_in_user
from xuexin.logging import log_event
from xuexin.network import request_network

from . import roles, services
from .models import IdentityClaim, Notification, OutboxMessage, User


class StaffUserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ["phone", "real_name"]


class StaffUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = [
            "phone",
            "password",
            "real_name",
            "id_type",
            "id_number",
            "email",
            "person",
            "identity_verified_method",
            "is_active",
            "is_staff",
            "is_superuser",
            "school",
            "groups",
        ]


@admin.register(User)
class UserAdmin(AccessLoggedAdminMixin, BaseUserAdmin):
    access_action = AccessAction.VIEW_ACCOUNT

    form = StaffUserChangeForm
    add_form = StaffUserCreationForm
    ordering = ["-date_joined"]
    list_display = [
        "masked_phone_label",
        "real_name",
        "masked_id",
        "is_staff",
        "school",
        "is_active",
    ]
    list_filter = ["is_staff", "is_superuser", "is_active", "school"]
    search_fields = ["=phone", "=email", "real_name", "=id_number"]
    autocomplete_fields = ["person", "school"]
    readonly_fields = ["last_login", "date_joined", "identity_verified_at"]
    fieldsets = [
        (None, {"fields": ["phone", "password"]}),
        (
            _("实名信息"),
            {"fields": ["real_name", "id_type", "id_number", "email", "person"]},
        ),
        (
            _("身份核验"),
            {"fields": ["identity_verified_at", "identity_verified_method"]},
        ),
        (
            _("权限"),
            {"fields": ["is_active", "is_staff", "is_superuser", "school", "groups"]},
        ),
        (_("时间"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["phone", "real_name", "usable_password", "password1", "password2"],
            },
        )
    ]

    @admin.display(description=_("手机号"), ordering="phone")
    def masked_phone_label(self, obj: User) -> str:
        return obj.masked_phone

    @admin.display(description=_("证件号码"))
    def masked_id(self, obj: User) -> str:
        return obj.masked_id_number

    # --- No privilege escalation ------------------------------------------------------------
    # Only superusers grant superuser, staff status, roles (groups) or a registrar's school;
    # nobody changes their own; a superuser's account is read-only to everyone else. The
    # fields are read-only in the form, so a crafted POST that sends them changes nothing.

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser or (obj is not None and obj.pk == request.user.pk):
            fields += [name for name in PRIVILEGE_FIELDS if name not in fields]
        return fields

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and (
            obj.pk == request.user.pk or (obj.is_superuser and not request.user.is_superuser)
        ):
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        # The bulk delete action asks has_delete_permission without an object: check each.
        if any(not self.has_delete_permission(request, user) for user in queryset):
            raise PermissionDenied
        super().delete_queryset(request, queryset)

    def save_model(self, request: HttpRequest, obj: User, form, change: bool) -> None:
        request._roles_before = roles.snapshot(obj.pk) if change else {}  # type: ignore[attr-defined]  # read back in save_related
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        roles.log_change(
            actor=request.user,
            target=form.instance,
            before=getattr(request, "_roles_before", {}),
            ip=request_network(request),
        )


PRIVILEGE_FIELDS = ["is_active", "is_staff", "is_superuser", "school", "groups",
                    "user_permissions"]  # fmt: skip


class SuperuserOnlyMixin:
    """Others may look (with the view permission); only superusers add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser


class SuperuserOnlyGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    """Roles are groups: only superusers change what a role may do, and every change is logged."""

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        log_event(
            "role.permissions_changed",
            actor=request.user.pk,
            role=form.instance.name,
            permissions=form.instance.permissions.count(),
            ip=request_network(request),
        )


admin.site.unregister(Group)
admin.site.register(Group, SuperuserOnlyGroupAdmin)


def _evidence(claim: IdentityClaim, side: str) -> str:
    field = claim.id_front if side == "front" else claim.id_back
    if not claim.pk or not field:
        return "—"
    url = reverse("accounts:claim-evidence", args=[claim.public_id, side])
    return format_html(
        '<a href="{0}" target="_blank" rel="noopener"><img src="{0}" alt="" '
        'style="max-height:220px;max-width:320px;border:1px solid #ccc"></a>',
        url,
    )


def _account_summary(user: User | None) -> str:
    if user is None:
        return "—"
    return format_html(
        "<table><tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>"
        "<tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr>"
        "<tr><th>{}</th><td>{}</td></tr><tr><th>{}</th><td>{}</td></tr></table>",
        _("姓名"), user.real_name,
        _("手机号"), user.masked_phone,
        _("注册时间"), f"{timezone.localtime(user.date_joined):%Y-%m-%d %H:%M}",
        _("最近登录"),
        f"{timezone.localtime(user.last_login):%Y-%m-%d %H:%M}" if user.last_login else "—",
        _("绑定学籍"), str(user.person) if user.person_id else "—",
        _("账号状态"), _("有效") if user.is_active else _("已停用"),
    )  # fmt: skip


class ClaimDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[("", _("暂不处理")), ("approve", _("通过")), ("reject", _("不通过"))],
        required=False,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = IdentityClaim
        fields = ["decision_note"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not data.get("decision_note"):
            self.add_error("decision_note", _("不通过时请填写原因，申请人会收到该原因"))
        return data


def _approve_claim(claim: IdentityClaim, *, reviewer: User, note: str) -> None:
    services.claim_approve(claim=claim, reviewer=reviewer, note=note)


def _reject_claim(claim: IdentityClaim, *, reviewer: User, note: str) -> None:
    services.claim_reject(claim=claim, reviewer=reviewer, note=note)


@admin.register(IdentityClaim)
class IdentityClaimAdmin(AccessLoggedAdminMixin, admin.ModelAdmin):
    access_action = AccessAction.VIEW_CLAIM

    form = ClaimDecisionForm
    actions = [
        decision_action(
            name="approve_selected",
            label=_("批量通过"),
            decide=_approve_claim,
            already_decided=(services.ClaimAlreadyDecided,),
        ),
        decision_action(
            name="reject_selected",
            label=_("批量不通过"),
            decide=_reject_claim,
            already_decided=(services.ClaimAlreadyDecided,),
            note_required=True,
        ),
    ]
    list_display = ["created_at", "kind", "claimant_label", "method", "status", "reviewer"]
    list_filter = ["status", "kind", "method"]
    search_fields = ["=id_number", "claimant__real_name", "=claimant__phone"]
    list_select_related = ["claimant", "reviewer"]
    readonly_fields = [
        "kind",
        "status",
        "method",
        "created_at",
        "claimant_account",
        "competing_account_summary",
        "masked_document",
        "front_photo",
        "back_photo",
        "fact_school_name",
        "fact_student_number",
        "fact_entry_year",
        "note",
        "reviewer",
        "decided_at",
    ]
    fieldsets = [
        (
            _("申请"),
            {"fields": ["kind", "status", "method", "created_at", "masked_document", "note"]},
        ),
        (
            _("账号对比"),
            {"fields": [("claimant_account", "competing_account_summary")]},
        ),
        (_("证件照片"), {"fields": [("front_photo", "back_photo")]}),
        (
            _("学籍信息"),
            {"fields": ["fact_school_name", "fact_student_number", "fact_entry_year"]},
        ),
        (_("审核"), {"fields": ["decision", "decision_note", "reviewer", "decided_at"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("申请账号"))
    def claimant_label(self, obj: IdentityClaim) -> str:
        return str(obj.claimant)

    @admin.display(description=_("申请账号"))
    def claimant_account(self, obj: IdentityClaim) -> str:
        return _account_summary(obj.claimant)

    @admin.display(description=_("已使用该证件号码的账号"))
    def competing_account_summary(self, obj: IdentityClaim) -> str:
        return _account_summary(obj.competing_account)

    @admin.display(description=_("证件号码"))
    def masked_document(self, obj: IdentityClaim) -> str:
        return f"{obj.get_id_type_display()} {mask_id_number(obj.id_number)}"

    @admin.display(description=_("正面"))
    def front_photo(self, obj: IdentityClaim) -> str:
        return _evidence(obj, "front")

    @admin.display(description=_("反面"))
    def back_photo(self, obj: IdentityClaim) -> str:
        return _evidence(obj, "back")

    def save_model(self, request: HttpRequest, obj: IdentityClaim, form, change: bool) -> None:
        decision = form.cleaned_data.get("decision")
        note = form.cleaned_data.get("decision_note", "")
        reviewer = signed_in_user(request)  # the admin lets in active staff only
        try:
            if decision == "approve":
                services.claim_approve(claim=obj, reviewer=reviewer, note=note)
            elif decision == "reject":
                services.claim_reject(claim=obj, reviewer=reviewer, note=note)
            elif obj.status == IdentityClaim.Status.PENDING:
                obj.save(update_fields=["decision_note"])
        except services.ClaimAlreadyDecided:
            messages.warning(request, _("该申请已经审核过，本次操作未生效。"))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject"]
    list_filter = ["channel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class SuperuserOnlyTOTPDeviceAdmin(SuperuserOnlyMixin, TOTPDeviceAdmin):
    """Authenticators are 2FA: only superusers add, change or remove anyone's."""


if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, SuperuserOnlyTOTPDeviceAdmin)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was told to whom and whether it went out; failed ones stay here for staff."""

    list_display = ["created_at", "channel", "masked_recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    readonly_fields = ("channel", "subject", "body", "status", "created_at", "attempts",
                       "next_attempt_at", "sent_at", "last_error")  # fmt: skip
    fields = readonly_fields

    @admin.display(description=_("接收方"))
    def masked_recipient(self, obj: Notification) -> str:
        text = obj.recipient
        if "@" in text:
            local, _sep, domain = text.partition("@")
            return f"{local[:1]}***@{domain}"
        return f"{text[:3]}****{text[-4:]}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
