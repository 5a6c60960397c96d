"""Admin for accounts. Name and ID number of a student change only here, by staff."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User


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
class UserAdmin(BaseUserAdmin):
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
