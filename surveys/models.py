"""毕业生离校后就业状况调查: surveys that staff run, and the answers of eligible students.

A survey is addressed to a graduating cohort (届) and an audience (层次, 学历类别, optionally
schools). Its questions are fixed once anyone has submitted answers: a change then needs a new
version of the survey (same ``series``), which replaces the old one when published.

Answers are kept twice on purpose: a student's unsent draft as JSON on the response, and the
submitted answers as one ``Answer`` row per question (per option for multiple choice), which the
result tables count in the database.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from records import codes
from records.models import Enrollment, Person, School

ERR_QUESTIONS_LOCKED = _("该调查已有学生提交答卷，题目不能再修改；如需修改，请“复制为新版本”。")
ERR_CLOSES_BEFORE_OPENS = _("截止日期不能早于开始日期")

key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,29}$",
    _("题目代码以小写字母开头，只能包含小写字母、数字和下划线，最多30位"),
    code="key",
)


class QuestionsLocked(Exception):
    """A question of a survey that already has submitted answers was about to change."""


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已关闭")


class SurveyQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date) -> SurveyQuerySet:
        """Published surveys that take answers on ``day`` (both dates included)."""
        return self.filter(status=SurveyStatus.PUBLISHED, opens_on__lte=day, closes_on__gte=day)

    def visible_to_students(self) -> SurveyQuerySet:
        return self.exclude(status=SurveyStatus.DRAFT)


class Survey(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Every version of one survey shares the series; a new version replaces the old one.
    series = models.UUIDField(_("调查系列"), default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1, editable=False)
    title = models.CharField(_("标题"), max_length=100)
    title_en = models.CharField(_("英文标题"), max_length=200, blank=True)
    intro = models.TextField(_("说明"), max_length=2000, blank=True)
    intro_en = models.TextField(_("英文说明"), max_length=4000, blank=True)
    cohort = models.PositiveSmallIntegerField(
        _("毕业届别"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("例如 2025 表示 2025届：离校日期（未登记时为预计毕业日期）在 2025 年的学籍"),
    )
    levels = models.JSONField(_("层次"), default=list)
    categories = models.JSONField(_("学历类别"), default=list)
    schools = models.ManyToManyField(
        School,
        blank=True,
        related_name="surveys",
        verbose_name=_("院校"),
        help_text=_("不选表示所有院校"),
    )
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[schools])
    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查")
        verbose_name_plural = _("调查")
        ordering = ["-cohort", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "version"], name="survey_one_per_version"),
            models.CheckConstraint(
                condition=Q(status__in=SurveyStatus.values), name="survey_status_known"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
                violation_error_message=ERR_CLOSES_BEFORE_OPENS,
            ),
            models.CheckConstraint(
                condition=Q(cohort__gte=2000) & Q(cohort__lte=2100), name="survey_cohort_range"
            ),
        ]

    def __str__(self) -> str:
        if self.version > 1:
            return f"{self.title}（第{self.version}版）"
        return self.title

    def clean(self) -> None:
        errors: dict[str, ValidationError] = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = ValidationError(ERR_CLOSES_BEFORE_OPENS, code="dates")
        known_levels = {value for value, _label in codes.LEVELS}
        if any(level not in known_levels for level in self.levels or []):
            errors["levels"] = ValidationError(_("未知的层次"), code="levels")
        known_categories = {value for value, _label in codes.CATEGORIES}
        if any(category not in known_categories for category in self.categories or []):
            errors["categories"] = ValidationError(_("未知的学历类别"), code="categories")
        if errors:
            raise ValidationError(errors)

    def localized_title(self) -> str:
        return _in_language(self.title, self.title_en)

    def localized_intro(self) -> str:
        return _in_language(self.intro, self.intro_en)

    def is_open_on(self, day: datetime.date) -> bool:
        return self.status == SurveyStatus.PUBLISHED and self.opens_on <= day <= self.closes_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def has_answers(self) -> bool:
        """Submitted answers fix the questions: from then on only a new version may differ."""
        if self.pk is None:
            return False
        return self.responses.filter(status=ResponseStatus.SUBMITTED).exists()


def _in_language(chinese: str, english: str) -> str:
    language = translation.get_language() or ""
    return english if language.startswith("en") and english else chinese


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TEXT = "text", _("简答")
    NUMBER = "number", _("数字")
    PROVINCE = "province", _("省份")
    CITY = "city", _("省份/城市")


CHOICE_KINDS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
# Kinds whose answers are one of a fixed list, so an option's share of a group adds up to 100 %.
EXCLUSIVE_KINDS = {QuestionKind.SINGLE, QuestionKind.PROVINCE, QuestionKind.CITY}


class Question(models.Model):
    """One question. ``options`` is a list of {"value", "label", "label_en"} for choice kinds.

    A skip rule asks the question only when an earlier choice question (``show_if_key``) was
    answered with one of ``show_if_values``: "if 就业 then ask 单位性质".
    """

    survey = models.ForeignKey(
        Survey, models.CASCADE, related_name="questions", verbose_name=_("调查")
    )
    position = models.PositiveSmallIntegerField(_("题号"), default=1)
    key = models.CharField(_("题目代码"), max_length=30, validators=[key_validator])
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=200)
    text_en = models.CharField(_("英文题目"), max_length=300, blank=True)
    hint = models.CharField(_("填写提示"), max_length=200, blank=True)
    hint_en = models.CharField(_("英文填写提示"), max_length=300, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    options = models.JSONField(_("选项"), default=list, blank=True)
    min_value = models.IntegerField(_("最小值"), null=True, blank=True)
    max_value = models.IntegerField(_("最大值"), null=True, blank=True)
    max_length = models.PositiveSmallIntegerField(
        _("最多字数"), default=200, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    show_if_key = models.CharField(_("显示条件：题目代码"), max_length=30, blank=True)
    show_if_values = models.JSONField(_("显示条件：选项代码"), default=list, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "key"], name="question_key_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The rule itself, not only the admin's check: no code path changes answered questions.
        if self.survey_id and Survey(pk=self.survey_id).has_answers:
            raise QuestionsLocked(str(ERR_QUESTIONS_LOCKED))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        if self.survey_id and Survey(pk=self.survey_id).has_answers:
            raise QuestionsLocked(str(ERR_QUESTIONS_LOCKED))
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        if self.survey_id and Survey(pk=self.survey_id).has_answers:
            raise ValidationError(ERR_QUESTIONS_LOCKED, code="locked")
        errors: dict[str, ValidationError] = {}
        if self.kind in CHOICE_KINDS and len(self.options or []) < 2:
            errors["options"] = ValidationError(_("选择题至少需要两个选项"), code="options")
        if self.kind == QuestionKind.NUMBER and (self.min_value is None or self.max_value is None):
            errors["min_value"] = ValidationError(_("数字题须填写最小值和最大值"), code="bounds")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = ValidationError(_("最大值不能小于最小值"), code="bounds")
        if bool(self.show_if_key) != bool(self.show_if_values):
            errors["show_if_values"] = ValidationError(
                _("显示条件须同时填写题目代码和选项代码"), code="skip_rule"
            )
        if errors:
            raise ValidationError(errors)

    def localized_text(self) -> str:
        return _in_language(self.text, self.text_en)

    def localized_hint(self) -> str:
        return _in_language(self.hint, self.hint_en)

    def option_labels(self) -> dict[str, str]:
        """Option value → label in the current language."""
        return {
            option["value"]: _in_language(option["label"], option.get("label_en", ""))
            for option in self.options or []
        }

    @property
    def has_skip_rule(self) -> bool:
        return bool(self.show_if_key and self.show_if_values)


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class SurveyResponse(models.Model):
    """One person's answers to one survey: a draft until submitted, then fixed.

    The school, 层次 and 学历类别 are copied from the enrolment that made the person eligible,
    so the result tables still add up after a record is corrected.
    """

    survey = models.ForeignKey(
        Survey, models.PROTECT, related_name="responses", verbose_name=_("调查")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="survey_responses", verbose_name=_("学生")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("填写账号"),
    )
    enrollment = models.ForeignKey(
        Enrollment,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
        verbose_name=_("对应学籍"),
    )
    school = models.ForeignKey(
        School, models.PROTECT, related_name="survey_responses", verbose_name=_("院校")
    )
    level = models.CharField(_("层次"), max_length=20, choices=codes.LEVELS)
    category = models.CharField(_("学历类别"), max_length=20, choices=codes.CATEGORIES)
    status = models.CharField(
        _("状态"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    draft = models.JSONField(_("草稿"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One response per person and survey: a second submission finds this row.
            models.UniqueConstraint(
                fields=["survey", "person"], name="survey_response_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ResponseStatus.values), name="survey_response_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=ResponseStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="survey_response_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["survey", "status", "school"], name="survey_response_result_idx")
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.person}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


class Answer(models.Model):
    """One submitted answer: an option, a 省份/城市 code, a number or a text."""

    response = models.ForeignKey(
        SurveyResponse, models.CASCADE, related_name="answers", verbose_name=_("答卷")
    )
    question = models.ForeignKey(
        Question, models.PROTECT, related_name="answers", verbose_name=_("题目")
    )
    value = models.CharField(_("选项或地区代码"), max_length=30, blank=True)
    number = models.IntegerField(_("数字"), null=True, blank=True)
    text = models.TextField(_("文字"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("答案")
        verbose_name_plural = _("答案")
        ordering = ["question__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question", "value"], name="answer_one_per_option"
            )
        ]
        indexes = [models.Index(fields=["question", "value"], name="answer_count_idx")]

    def __str__(self) -> str:
        return f"{self.question.key}={self.value or self.number or self.text[:20]}"


class SurveyReminder(models.Model):
    """The one reminder a person gets for a survey (manage.py send_survey_reminders)."""

    survey = models.ForeignKey(
        Survey, models.CASCADE, related_name="reminders", verbose_name=_("调查")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="survey_reminders", verbose_name=_("学生")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("提醒账号"),
    )
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("填写提醒")
        verbose_name_plural = _("填写提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"], name="survey_reminder_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey} · {self.sent_at:%Y-%m-%d %H:%M}"
