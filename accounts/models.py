"""Accounts of the portal: students who log in to 学信档案, and staff who use the admin."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from records.identity import IdType, mask_id_number, normalize_id_number, validate_person_name
from records.models import Person, School

from .validators import validate_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, phone: str, password: str | None, **extra: object) -> User:
        if not phone:
            raise ValueError("an account needs a phone number")
        email = extra.pop("email", None)
        user = self.model(phone=phone, email=self.normalize_email(email) or None, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra)

    def create_superuser(self, phone: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """One account. Students bind to a Person; registrar staff carry a school."""

    class VerificationMethod(models.TextChoices):
        SCHOOL_NAME = "school_name", _("填写就读院校")
        ID_PHOTOS = "id_photos", _("上传证件照片")
        STAFF = "staff", _("客服核验")

    phone = models.CharField(
        _("手机号"),
        max_length=11,
        unique=True,
        validators=[validate_mobile],
        error_messages={"unique": _("该手机号已被其他账号绑定")},
    )
    email = models.EmailField(
        _("电子邮箱"),
        null=True,
        blank=True,
        unique=True,
        error_messages={"unique": _("该邮箱已被其他账号绑定")},
    )
    real_name = models.CharField(
        _("姓名"), max_length=50, blank=True, validators=[validate_person_name]
    )
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=20, blank=True)
    person = models.ForeignKey(
        Person,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
        verbose_name=_("绑定的学生"),
    )
    identity_verified_at = models.DateTimeField(_("身份核验时间"), null=True, blank=True)
    identity_verified_method = models.CharField(
        _("身份核验方式"), max_length=20, choices=VerificationMethod.choices, blank=True
    )
    school = models.ForeignKey(
        School,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属院校（学籍管理员）"),
        help_text=_("仅用于学校学籍管理员：只能查看和修改本校学生的信息"),
    )
    is_staff = models.BooleanField(_("工作人员"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["real_name"]

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        indexes = [models.Index(fields=["id_type", "id_number"], name="user_id_document_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(id_type="") | Q(id_type__in=IdType.values),
                name="user_id_type_known",
            ),
            models.CheckConstraint(
                condition=Q(phone__regex=r"^1[0-9]{10}$"), name="user_phone_cn_mobile"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.real_name or _('账号')}（{self.masked_phone}）"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}" if len(self.phone) == 11 else "****"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number) if self.id_number else ""

    @property
    def is_registrar(self) -> bool:
        return self.is_staff and not self.is_superuser and self.school_id is not None

    def clean(self) -> None:
        super().clean()
        if self.email == "":
            self.email = None
        if self.id_type and self.id_number:
            self.id_number = normalize_id_number(self.id_type, self.id_number)
