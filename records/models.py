"""The national database of the simulation: schools, people and their records (DESIGN §3.1).

Every rule is kept twice on purpose: by the database (unique and check constraints, so no code
path can store a broken row) and by model validation (``full_clean``), which gives the admin,
imports and forms the same rules with a clear Chinese message.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Collection, Sequence
from typing import Self, cast

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Length
from django.db.models.lookups import Exact, GreaterThanOrEqual
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xuexin.fields import concrete_field

from . import codes
from .certificates import validate_degree_number, validate_diploma_number
from .identity import (
    IdType,
    facts_from_id_number,
    mask_id_number,
    normalize_id_number,
    normalize_person_name,
    validate_id_number,
    validate_person_name,
)
from .photos import PrivateImageField

ERR_BIRTH_DATE_MISMATCH = _("出生日期与证件号码中的出生日期不一致")
ERR_GENDER_MISMATCH = _("性别与证件号码不一致（第17位奇数为男，偶数为女）")
ERR_DATES_ORDER = _("入学日期必须早于预计毕业日期")
ERR_LEAVE_BEFORE_ENTRY = _("离校日期不能早于入学日期")
ERR_GRADUATION_ORDER = _("入学日期必须早于毕(结)业日期")
ERR_BIRTH_FUTURE = _("出生日期不能晚于今天")
ERR_ENTRY_BEFORE_BIRTH = _("入学日期不能早于出生日期")
ERR_ENROLLMENT_OTHER_PERSON = _("关联的学籍属于另一名学生")

school_code_validator = RegexValidator(r"^\d{5}$", _("院校代码应为5位数字"), code="school_code")
student_number_validator = RegexValidator(
    r"^[0-9A-Za-z\-]{1,30}$", _("学号只能包含字母、数字和连字符，最多30位"), code="student_number"
)
diploma_number_format = RegexValidator(r"^\d{18}$", _("学历证书编号应为18位数字"), code="format")
degree_number_format = RegexValidator(r"^\d{16}$", _("学位证书编号应为16位数字"), code="format")


def choice_values(choices: Sequence[tuple[str, object]]) -> list[str]:
    return [value for value, _label in choices]


@functools.cache
def _labels_of(field: models.Field) -> dict[object, object]:
    return dict(field.flatchoices)


class ChoiceLabels:
    """``get_FOO_display()`` from a value → label map built once per field.

    Django's own version hashes every (value, lazy label) pair on each call, which translates
    every label: 56 民族 names to show one. The labels stay lazy here, so each call still
    answers in the reader's language.
    """

    def _get_FIELD_display(self, field: models.Field) -> object:
        value = getattr(self, field.attname)
        return force_str(_labels_of(field).get(value, value), strings_only=True)


class SchoolManager(models.Manager["School"]):
    def get_by_natural_key(self, code: str) -> School:
        return self.get(code=code)


class School(ChoiceLabels, models.Model):
    code = models.CharField(
        _("院校代码"), max_length=5, unique=True, validators=[school_code_validator]
    )
    name = models.CharField(_("学校名称"), max_length=100)
    province = models.CharField(_("所在省份"), max_length=2, choices=codes.PROVINCES)

    history = HistoricalRecords()
    objects = SchoolManager()

    class Meta:
        verbose_name = _("院校")
        verbose_name_plural = _("院校")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{5}$"), name="school_code_five_digits"
            ),
            models.CheckConstraint(
                condition=Q(province__in=choice_values(codes.PROVINCES)),
                name="school_province_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class PersonQuerySet(models.QuerySet):
    def record_counts(self, person: Person) -> dict[str, int]:
        """Numbers of 学籍, 学历 and 学位 of one person, in one query."""

        def count_of(
            model: type[Enrollment] | type[Qualification] | type[DegreeAward],
        ) -> Subquery:
            rows = model.objects.filter(person=OuterRef("pk"))
            if model is Enrollment:
                rows = rows.filter(withdrawn_at__isnull=True)
            per_person = rows.values("person")
            return Subquery(per_person.annotate(n=Count("*")).values("n")[:1])

        row = (
            self.filter(pk=person.pk)
            .annotate(
                n_enrollments=count_of(Enrollment),
                n_qualifications=count_of(Qualification),
                n_degrees=count_of(DegreeAward),
            )
            .values("n_enrollments", "n_qualifications", "n_degrees")
            .first()
        ) or {}
        keys = ("enrollments", "qualifications", "degrees")
        return {key: row.get(f"n_{key}") or 0 for key in keys}

    def at_school(self, school: School) -> PersonQuerySet:
        return self.filter(
            Q(enrollments__school=school)
            | Q(qualifications__school=school)
            | Q(degrees__school=school)
        ).distinct()


class Person(ChoiceLabels, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50, validators=[validate_person_name])
    gender = models.CharField(_("性别"), max_length=1, choices=codes.GENDERS)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=2, choices=codes.ETHNIC_GROUPS)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=20)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Optimistic locking (records/versioning.py): every staff write moves it on by one.
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number"],
                name="person_unique_id_document",
                violation_error_message=_("该证件类型和证件号码已存在"),
            ),
            models.CheckConstraint(
                condition=Q(gender__in=choice_values(codes.GENDERS)), name="person_gender_known"
            ),
            models.CheckConstraint(
                condition=Q(ethnicity__in=choice_values(codes.ETHNIC_GROUPS)),
                name="person_ethnicity_known",
            ),
            models.CheckConstraint(
                condition=Q(id_type__in=IdType.values), name="person_id_type_known"
            ),
            models.CheckConstraint(
                condition=Q(birth_date__gte=datetime.date(1900, 1, 1)),
                name="person_born_after_1900",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="person_name_not_empty"),
            # GB 11643 numbers are exactly 18 characters; the full check runs in clean().
            models.CheckConstraint(
                # Q | lookup is a Q (the stubs only know Q | Q).
                condition=cast(
                    Q,
                    ~Q(id_type__in=[IdType.RESIDENT_ID, IdType.RESIDENCE_PERMIT])
                    | Exact(Length("id_number"), 18),
                ),
                name="person_gb11643_length",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("id_number"), 5), name="person_id_number_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Normalise before the field validators run, so "11010519900307803x " is judged as the
        # number it stands for.
        self.name = normalize_person_name(self.name or "")
        if self.id_type:
            self.id_number = normalize_id_number(self.id_type, self.id_number or "")
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            validate_id_number(self.id_type, self.id_number)
        except ValidationError as error:
            errors.setdefault("id_number", []).append(error)
        else:
            facts = facts_from_id_number(self.id_type, self.id_number)
            if facts is not None:
                if self.birth_date and self.birth_date != facts.birth_date:
                    errors.setdefault("birth_date", []).append(
                        ValidationError(ERR_BIRTH_DATE_MISMATCH, code="birth_date_mismatch")
                    )
                if self.gender and self.gender != facts.gender:
                    errors.setdefault("gender", []).append(
                        ValidationError(ERR_GENDER_MISMATCH, code="gender_mismatch")
                    )
        if self.birth_date and self.birth_date > datetime.date.today():
            errors.setdefault("birth_date", []).append(
                ValidationError(ERR_BIRTH_FUTURE, code="birth_future")
            )
        if errors:
            raise ValidationError(errors)


class RecordQuerySet(models.QuerySet):
    def for_person(self, person: Person | None) -> Self:
        if person is None:
            return self.none()
        return self.filter(person=person)

    def at_school(self, school: School) -> Self:
        return self.filter(school=school)


class EnrollmentQuerySet(RecordQuerySet):
    def current(self) -> Self:
        """Not withdrawn: a withdrawn 学籍 was a mistake and exists only for staff."""
        return self.filter(withdrawn_at__isnull=True)

    def for_person(self, person: Person | None) -> Self:
        """What the person's own pages show: their enrolments that were not withdrawn."""
        return super().for_person(person).current()


class Enrollment(ChoiceLabels, models.Model):
    """学籍: one registration of a person at a school."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="enrollments", verbose_name=_("学生")
    )
    school = models.ForeignKey(
        School, models.PROTECT, related_name="enrollments", verbose_name=_("学校名称")
    )
    level = models.CharField(_("层次"), max_length=20, choices=codes.LEVELS)
    major = models.CharField(_("专业"), max_length=100)
    duration = models.CharField(_("学制"), max_length=4, choices=codes.DURATIONS)
    category = models.CharField(_("学历类别"), max_length=20, choices=codes.CATEGORIES)
    study_mode = models.CharField(_("学习形式"), max_length=20, choices=codes.STUDY_MODES)
    branch = models.CharField(_("分院"), max_length=100, blank=True)
    department = models.CharField(_("系(所、函授站)"), max_length=100, blank=True)
    class_name = models.CharField(_("班级"), max_length=100, blank=True)
    student_number = models.CharField(
        _("学号"), max_length=30, validators=[student_number_validator]
    )
    entry_date = models.DateField(_("入学日期"))
    expected_graduation_date = models.DateField(_("预计毕业日期"))
    leave_date = models.DateField(_("离校日期"), null=True, blank=True)
    status = models.CharField(_("学籍状态"), max_length=20, choices=codes.ENROLLMENT_STATUSES)
    admission_photo = PrivateImageField(_("录取照片"), folder="admission", blank=True)
    diploma_photo = PrivateImageField(_("学历照片"), folder="diploma", blank=True)
    updated_at = models.DateTimeField(_("更新日期"), auto_now=True)
    # Optimistic locking (records/versioning.py): every staff write moves it on by one.
    version = models.PositiveIntegerField(_("版本"), default=1)
    # 撤销: a record entered by mistake is withdrawn rather than deleted, so its history stays;
    # the student no longer sees it and only a national administrator restores it.
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True, editable=False)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=300, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("撤销人"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("学籍")
        verbose_name_plural = _("学籍")
        ordering = ["entry_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="enrollment_withdrawal_has_reason",
            ),
            models.UniqueConstraint(
                fields=["school", "student_number"],
                name="enrollment_unique_student_number",
                violation_error_message=_("该校已存在相同学号的学籍"),
            ),
            models.CheckConstraint(
                condition=Q(entry_date__lt=models.F("expected_graduation_date")),
                name="enrollment_entry_before_graduation",
                violation_error_message=ERR_DATES_ORDER,
            ),
            models.CheckConstraint(
                condition=Q(leave_date__isnull=True) | Q(leave_date__gte=models.F("entry_date")),
                name="enrollment_leave_after_entry",
                violation_error_message=ERR_LEAVE_BEFORE_ENTRY,
            ),
            models.CheckConstraint(
                condition=Q(level__in=choice_values(codes.LEVELS)), name="enrollment_level_known"
            ),
            models.CheckConstraint(
                condition=Q(duration__in=choice_values(codes.DURATIONS)),
                name="enrollment_duration_known",
            ),
            models.CheckConstraint(
                condition=Q(category__in=choice_values(codes.CATEGORIES)),
                name="enrollment_category_known",
            ),
            models.CheckConstraint(
                condition=Q(study_mode__in=choice_values(codes.STUDY_MODES)),
                name="enrollment_study_mode_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=choice_values(codes.ENROLLMENT_STATUSES)),
                name="enrollment_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(student_number=""), name="enrollment_student_number_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.level} {self.student_number}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.entry_date and self.expected_graduation_date:
            if self.entry_date >= self.expected_graduation_date:
                errors["expected_graduation_date"] = ValidationError(
                    ERR_DATES_ORDER, code="dates_order"
                )
        if self.entry_date and self.leave_date and self.leave_date < self.entry_date:
            errors["leave_date"] = ValidationError(ERR_LEAVE_BEFORE_ENTRY, code="leave_order")
        if self.entry_date and self.person_id and self.entry_date < self.person.birth_date:
            errors["entry_date"] = ValidationError(ERR_ENTRY_BEFORE_BIRTH, code="entry_birth")
        if errors:
            raise ValidationError(errors)


class Qualification(ChoiceLabels, models.Model):
    """学历: a registered diploma (毕业 or 结业)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="qualifications", verbose_name=_("学生")
    )
    school = models.ForeignKey(
        School, models.PROTECT, related_name="qualifications", verbose_name=_("学校名称")
    )
    enrollment = models.OneToOneField(
        Enrollment,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="qualification",
        verbose_name=_("对应学籍"),
    )
    level = models.CharField(_("层次"), max_length=20, choices=codes.LEVELS)
    major = models.CharField(_("专业"), max_length=100)
    category = models.CharField(_("学历类别"), max_length=20, choices=codes.CATEGORIES)
    duration = models.CharField(_("学制"), max_length=4, choices=codes.DURATIONS)
    study_mode = models.CharField(_("学习形式"), max_length=20, choices=codes.STUDY_MODES)
    entry_date = models.DateField(_("入学日期"))
    graduation_date = models.DateField(_("毕(结)业日期"))
    conclusion = models.CharField(_("毕(结)业"), max_length=4, choices=codes.CONCLUSIONS)
    president_name = models.CharField(
        _("校(院)长姓名"), max_length=50, validators=[validate_person_name]
    )
    certificate_number = models.CharField(
        _("证书编号"), max_length=18, unique=True, validators=[diploma_number_format]
    )
    photo = PrivateImageField(_("学历照片"), folder="qualification", blank=True)
    updated_at = models.DateTimeField(_("更新日期"), auto_now=True)
    # Optimistic locking (records/versioning.py): every staff write moves it on by one.
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("学历")
        verbose_name_plural = _("学历")
        ordering = ["graduation_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(entry_date__lt=models.F("graduation_date")),
                name="qualification_entry_before_graduation",
                violation_error_message=ERR_GRADUATION_ORDER,
            ),
            models.CheckConstraint(
                condition=Q(certificate_number__regex=r"^[0-9]{18}$"),
                name="qualification_certificate_18_digits",
            ),
            models.CheckConstraint(
                condition=Q(level__in=choice_values(codes.LEVELS)),
                name="qualification_level_known",
            ),
            models.CheckConstraint(
                condition=Q(category__in=choice_values(codes.CATEGORIES)),
                name="qualification_category_known",
            ),
            models.CheckConstraint(
                condition=Q(conclusion__in=choice_values(codes.CONCLUSIONS)),
                name="qualification_conclusion_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.level} {self.major}"

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        self.president_name = normalize_person_name(self.president_name or "")
        self.certificate_number = (self.certificate_number or "").strip()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.entry_date and self.graduation_date and self.entry_date >= self.graduation_date:
            errors["graduation_date"] = ValidationError(ERR_GRADUATION_ORDER, code="dates_order")
        if (
            self.certificate_number
            and self.school_id
            and self.graduation_date
            and self.category
            and self.level
        ):
            try:
                validate_diploma_number(
                    self.certificate_number,
                    school_code=self.school.code,
                    category=self.category,
                    graduation_year=self.graduation_date.year,
                    level=self.level,
                )
            except ValidationError as error:
                errors["certificate_number"] = error
        if (
            self.enrollment_id
            and self.person_id
            and self.enrollment is not None
            and self.enrollment.person_id != self.person_id
        ):
            errors["enrollment"] = ValidationError(
                ERR_ENROLLMENT_OTHER_PERSON, code="enrollment_person"
            )
        if errors:
            raise ValidationError(errors)


class DegreeAward(ChoiceLabels, models.Model):
    """学位: a degree awarded by a school."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="degrees", verbose_name=_("学生")
    )
    school = models.ForeignKey(
        School, models.PROTECT, related_name="degrees", verbose_name=_("学位授予单位")
    )
    level = models.CharField(_("学位级别"), max_length=1, choices=codes.DEGREE_LEVELS)
    degree_type = models.CharField(_("学位类型"), max_length=10, choices=codes.DEGREE_TYPES)
    discipline = models.CharField(_("学科门类"), max_length=2, choices=codes.DISCIPLINES)
    major = models.CharField(_("专业"), max_length=100)
    award_date = models.DateField(_("授予日期"))
    certificate_number = models.CharField(
        _("学位证书编号"), max_length=16, unique=True, validators=[degree_number_format]
    )
    updated_at = models.DateTimeField(_("更新日期"), auto_now=True)
    # Optimistic locking (records/versioning.py): every staff write moves it on by one.
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = RecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("学位")
        verbose_name_plural = _("学位")
        ordering = ["award_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certificate_number__regex=r"^[0-9]{16}$"),
                name="degree_certificate_16_digits",
            ),
            models.CheckConstraint(
                condition=Q(level__in=choice_values(codes.DEGREE_LEVELS)),
                name="degree_level_known",
            ),
            models.CheckConstraint(
                condition=Q(degree_type__in=choice_values(codes.DEGREE_TYPES)),
                name="degree_type_known",
            ),
            models.CheckConstraint(
                condition=Q(discipline__in=choice_values(codes.DISCIPLINES)),
                name="degree_discipline_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.get_discipline_display()}{self.get_level_display()}"

    def clean(self) -> None:
        if self.certificate_number and self.school_id and self.award_date and self.level:
            try:
                validate_degree_number(
                    self.certificate_number,
                    school_code=self.school.code,
                    degree_level=self.level,
                    award_year=self.award_date.year,
                )
            except ValidationError as error:
                raise ValidationError({"certificate_number": error}) from None


# A 学籍, 学历 or 学位: what reports, corrections and the archive's record pages are about.
AnyRecord = Enrollment | Qualification | DegreeAward


class AdmissionStatus(models.TextChoices):
    REGISTERED = "registered", _("已报名")
    NOT_ADMITTED = "not_admitted", _("未录取")
    ADMITTED = "admitted", _("已录取")


class DestinationKind(models.TextChoices):
    EMPLOYED = "employed", _("签就业协议形式就业")
    CONTRACT = "contract", _("签劳动合同形式就业")
    FURTHER_STUDY = "further_study", _("升学")
    ABROAD = "abroad", _("出国、出境")
    SELF_EMPLOYED = "self_employed", _("自主创业")
    FLEXIBLE = "flexible", _("灵活就业")
    SEEKING = "seeking", _("待就业")


class DestinationStatus(models.TextChoices):
    REPORTED = "reported", _("学校已上报")
    VERIFIED = "verified", _("已核验")


class ExamRegistration(ChoiceLabels, models.Model):
    """考研信息: a registration for the national postgraduate entrance exam."""

    person = models.ForeignKey(
        Person, models.PROTECT, related_name="exam_registrations", verbose_name=_("学生")
    )
    year = models.PositiveSmallIntegerField(
        _("考试年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    candidate_number = models.CharField(
        _("考生编号"),
        max_length=15,
        unique=True,
        validators=[RegexValidator(r"^\d{15}$", _("考生编号应为15位数字"), code="format")],
    )
    target_school = models.ForeignKey(
        School, models.PROTECT, related_name="exam_applicants", verbose_name=_("报考单位")
    )
    target_major = models.CharField(_("报考专业"), max_length=100)
    score_politics = models.PositiveSmallIntegerField(
        _("政治理论"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    score_foreign_language = models.PositiveSmallIntegerField(
        _("外国语"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    score_subject_1 = models.PositiveSmallIntegerField(
        _("业务课一"), null=True, blank=True, validators=[MaxValueValidator(150)]
    )
    score_subject_2 = models.PositiveSmallIntegerField(
        _("业务课二"), null=True, blank=True, validators=[MaxValueValidator(150)]
    )
    admission_status = models.CharField(
        _("录取状态"),
        max_length=20,
        choices=AdmissionStatus.choices,
        default=AdmissionStatus.REGISTERED,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考研信息")
        verbose_name_plural = _("考研信息")
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year"],
                name="exam_one_registration_per_year",
                violation_error_message=_("同一考生每年只能有一条考研报名记录"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="exam_year_range"
            ),
            models.CheckConstraint(
                condition=Q(admission_status__in=AdmissionStatus.values),
                name="exam_admission_status_known",
            ),
            models.CheckConstraint(
                condition=Q(candidate_number__regex=r"^[0-9]{15}$"),
                name="exam_candidate_number_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.target_school.name} {self.target_major}"

    @property
    def total_score(self) -> int | None:
        scores = [
            self.score_politics,
            self.score_foreign_language,
            self.score_subject_1,
            self.score_subject_2,
        ]
        present = [score for score in scores if score is not None]
        if len(present) < len(scores):
            return None
        return sum(present)


class GraduateDestination(ChoiceLabels, models.Model):
    """毕业去向: where a graduate went, as reported by the school."""

    person = models.ForeignKey(
        Person, models.PROTECT, related_name="destinations", verbose_name=_("学生")
    )
    enrollment = models.OneToOneField(
        Enrollment,
        models.PROTECT,
        related_name="destination",
        verbose_name=_("对应学籍"),
    )
    kind = models.CharField(_("去向类型"), max_length=20, choices=DestinationKind.choices)
    employer = models.CharField(_("单位名称"), max_length=100, blank=True)
    archive_address = models.CharField(_("档案转递地址"), max_length=200, blank=True)
    verification_number = models.CharField(
        _("核验编号"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(r"^[0-9A-Z]{8,20}$", _("核验编号应为8-20位数字或大写字母"), "format")
        ],
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=DestinationStatus.choices,
        default=DestinationStatus.REPORTED,
    )
    updated_at = models.DateTimeField(_("更新日期"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("毕业去向")
        verbose_name_plural = _("毕业去向")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DestinationKind.values), name="destination_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DestinationStatus.values), name="destination_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.employer}".strip()

    def clean(self) -> None:
        if self.enrollment_id and self.person_id and self.enrollment.person_id != self.person_id:
            raise ValidationError(
                {"enrollment": ValidationError(ERR_ENROLLMENT_OTHER_PERSON, code="person")}
            )


class PhotoKind(models.TextChoices):
    ADMISSION = "admission", _("录取照片")
    DIPLOMA = "diploma", _("学历照片")


class PhotoReview(ChoiceLabels, models.Model):
    """图像校对: the student's verdict on one photo of one enrolment, handled by the school."""

    class Verdict(models.TextChoices):
        CORRECT = "correct", _("正确")
        WRONG = "wrong", _("有误")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        HANDLED = "handled", _("学校已处理")
        DISMISSED = "dismissed", _("学校核实照片无误")

    enrollment = models.ForeignKey(
        Enrollment, models.CASCADE, related_name="photo_reviews", verbose_name=_("学籍")
    )
    kind = models.CharField(_("照片"), max_length=10, choices=PhotoKind.choices)
    verdict = models.CharField(_("校对结果"), max_length=10, choices=Verdict.choices)
    comment = models.CharField(_("说明"), max_length=300, blank=True)
    state = models.CharField(
        _("处理状态"), max_length=10, choices=State.choices, default=State.SUBMITTED
    )
    handled_by = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    handled_note = models.CharField(_("处理说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("图像校对")
        verbose_name_plural = _("图像校对")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind"], name="photo_review_one_per_photo"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PhotoKind.values), name="photo_review_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["correct", "wrong"]), name="photo_review_verdict_known"
            ),
            # A photo marked wrong must say what is wrong.
            models.CheckConstraint(
                condition=Q(verdict="correct") | ~Q(comment=""),
                name="photo_review_wrong_needs_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_verdict_display()}"


class CorrectionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    REVIEWING = "reviewing", _("学校审核中")
    CORRECTED = "corrected", _("已更正")
    REJECTED = "rejected", _("已驳回")


OPEN_CORRECTION_STATUSES = [CorrectionStatus.SUBMITTED, CorrectionStatus.REVIEWING]


class CorrectionQuerySet(models.QuerySet):
    def open(self) -> CorrectionQuerySet:
        return self.filter(status__in=OPEN_CORRECTION_STATUSES)


class CorrectionRequest(ChoiceLabels, models.Model):
    """更正申请: a student asks the school to change one field of one record.

    Exactly one of enrollment / qualification / degree is the record the request was filed
    from; ``field`` names the field, ``person.<name>`` for the person's own fields.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requester = models.ForeignKey(
        "accounts.User", models.CASCADE, related_name="corrections", verbose_name=_("申请人")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="corrections", verbose_name=_("学生")
    )
    school = models.ForeignKey(
        School, models.PROTECT, related_name="corrections", verbose_name=_("审核学校")
    )
    enrollment = models.ForeignKey(
        Enrollment, models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    qualification = models.ForeignKey(
        Qualification, models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    degree = models.ForeignKey(
        DegreeAward, models.CASCADE, null=True, blank=True, related_name="corrections"
    )
    field = models.CharField(_("更正项目"), max_length=40)
    current_value = models.CharField(_("当前信息"), max_length=200, blank=True)
    proposed_value = models.CharField(_("申请更正为"), max_length=200)
    reason = models.TextField(_("更正理由"), max_length=1000)
    evidence = PrivateImageField(_("证明材料"), folder="evidence", blank=True)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=CorrectionStatus.choices,
        default=CorrectionStatus.SUBMITTED,
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("更正申请")
        verbose_name_plural = _("更正申请")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["school", "status"], name="correction_queue_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values), name="correction_status_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(enrollment__isnull=False, qualification__isnull=True, degree__isnull=True)
                    | Q(enrollment__isnull=True, qualification__isnull=False, degree__isnull=True)
                    | Q(enrollment__isnull=True, qualification__isnull=True, degree__isnull=False)
                ),
                name="correction_exactly_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field_label}更正申请（{self.get_status_display()}）"

    @property
    def field_label(self) -> str:
        """The field's name as the cards show it (专业, 姓名…), never its key."""
        model: type[models.Model]
        if self.field.startswith("person."):
            model, name = Person, self.field.removeprefix("person.")
        else:
            model = Enrollment if self.enrollment_id else Qualification
            model = DegreeAward if self.degree_id else model
            name = self.field
        try:
            return str(concrete_field(model, name).verbose_name)
        except FieldDoesNotExist:
            return self.field

    @property
    def record(self) -> Enrollment | Qualification | DegreeAward:
        return self.enrollment or self.qualification or self.degree  # type: ignore[return-value]  # exactly one is set (a check constraint)


class CorrectionEvent(ChoiceLabels, models.Model):
    """One step on a correction's timeline, with the note the student can read."""

    correction = models.ForeignKey(
        CorrectionRequest, models.CASCADE, related_name="events", verbose_name=_("更正申请")
    )
    status = models.CharField(_("状态"), max_length=10, choices=CorrectionStatus.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    actor = models.ForeignKey(
        "accounts.User", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.get_status_display()}"


class IdentityChangeStatus(models.TextChoices):
    PENDING = "pending", _("待国家管理员审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


class IdentityChange(ChoiceLabels, models.Model):
    """身份信息变更: new identity facts for a person, decided by a national administrator.

    The identity of a person with records at several schools, or bound to an account, belongs
    to more than one school: a registrar asks, a national administrator decides. Approval
    updates the person and every account bound to it in one transaction and tells the student
    (``records.identity_changes``). A student's correction of one of these fields that the
    school confirms becomes such a request (``correction``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="identity_changes", verbose_name=_("学生")
    )
    school = models.ForeignKey(
        School,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_changes",
        verbose_name=_("申请学校"),
    )
    requested_by = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    correction = models.OneToOneField(
        CorrectionRequest,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="identity_change",
        verbose_name=_("对应的更正申请"),
    )
    # The facts as they were when the request was filed, and as the school proposes them.
    previous = models.JSONField(_("原信息"), default=dict, editable=False)
    name = models.CharField(_("姓名"), max_length=50, validators=[validate_person_name])
    gender = models.CharField(_("性别"), max_length=1, choices=codes.GENDERS)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=2, choices=codes.ETHNIC_GROUPS)
    id_type = models.CharField(_("证件类型"), max_length=20, choices=IdType.choices)
    id_number = models.CharField(_("证件号码"), max_length=20)
    reason = models.TextField(_("变更理由"), max_length=1000)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=IdentityChangeStatus.choices,
        default=IdentityChangeStatus.PENDING,
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    reviewer = models.ForeignKey(
        "accounts.User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("身份信息变更")
        verbose_name_plural = _("身份信息变更")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status="pending"),
                name="identity_change_one_pending_per_person",
                violation_error_message=_("该学生已有待审核的身份信息变更"),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="identity_change_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.person}"

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
