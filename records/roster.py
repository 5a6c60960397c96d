"""Roster import and export of enrolments (学籍名册), with django-import-export.

One row is one 学籍 with its person's columns. Importing:

- the school is the registrar's own; a row with another 院校代码 is an error for that row, and a
  national administrator's rows must name a known school;
- an enrolment is found by (school, 学号) and updated, or created; a person is found by
  (证件类型, 证件号码), or created when the number is new;
- an import never re-binds or merges people and never changes one: a row whose 学号 belongs to
  another person, or whose ID number is registered with other facts (name, birth date, …), is an
  error. About a person the importer cannot see (known only at other schools) the error says
  only that the row does not match and whom to contact — never which facts differ;
- a withdrawn (撤销) enrolment is not changed by an import;
- every value passes the models' own ``full_clean`` rules; choices are given by their labels;
- the dry run reports every row with its line number and exact problem; confirming imports the
  whole file in one transaction or nothing; an unchanged row is skipped, so importing the same
  file twice changes nothing; every change is saved with history ("名册导入").

Exporting masks ID numbers and neutralises spreadsheet formulas (a cell starting with ``=``
gets a leading ``'``, which importing removes again). ``EnrollmentRosterFullResource`` exports
full ID numbers so that a roster can be edited and imported back; the admin offers it only to
staff who see full numbers on a person's page, and logs it. File encodings, headers and the
template are in ``records.rosterfile``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult

from xuexin.staff import is_registrar, staff_sees_everyone

from . import codes
from .access import persons_visible_to, records_visible_to
from .identity import IdType, mask_id_number, normalize_id_number, normalize_person_name
from .models import Enrollment, EnrollmentQuerySet, Person, School
from .rosterfile import EXAMPLE_STUDENT_NUMBER, is_blank
from .versioning import save_versioned

ERR_UNKNOWN_CHOICE = gettext_lazy("未知的%(column)s“%(value)s”，可填：%(options)s")
ERR_BAD_DATE = gettext_lazy("日期“%(value)s”无法识别，请填写如 2018-09-07 或 2018年09月07日")
ERR_REQUIRED = gettext_lazy("不能为空")
ERR_OTHER_SCHOOL = gettext_lazy(
    "院校代码 %(code)s 不是您所在的院校（%(own)s），不能导入其他院校的学籍"
)
ERR_UNKNOWN_SCHOOL = gettext_lazy("院校代码 %(code)s 不存在")
ERR_DUPLICATE_NUMBER = gettext_lazy("学号 %(number)s 在文件第 %(line)d 行已出现")
ERR_PERSON_DIFFERS = gettext_lazy(
    "该证件号码已登记的学生信息与本行不一致：%(differences)s。导入不会修改学生的身份信息："
    "请核对本行；如已登记的信息有误，请在学生页面修改或提交身份信息变更申请"
)
ERR_PERSON_DOES_NOT_MATCH = gettext_lazy(
    "本行的学生信息与已有记录不符，不能导入。请核对姓名、出生日期、证件类型和证件号码；"
    "确认无误的，请联系国家管理员核实"
)
ERR_NUMBER_OF_ANOTHER_PERSON = gettext_lazy(
    "学号 %(number)s 已是另一名学生（%(person)s）的学籍，与本行的证件号码不符。导入不会把学籍"
    "改到另一人名下：请核对学号和证件号码；如该学籍确实登记错了人，请先撤销该学籍"
)
ERR_WITHDRAWN = gettext_lazy(
    "学号 %(number)s 的学籍已撤销，导入不会修改它；如需恢复，请联系国家管理员"
)
ERR_TEMPLATE_EXAMPLE = gettext_lazy("这是模板中的示例行，请删除后再导入")
DIFFERENCE = gettext_lazy("%(column)s（已登记为“%(stored)s”）")
CHANGE_REASON = "名册导入"

# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def line_of(row_number: int) -> int:
    """Data row 1 is line 2 of the file: the header is line 1, as a spreadsheet numbers it."""
    return row_number + 1


class TextWidget(widgets.Widget):
    """Text as typed; spreadsheet numbers (学号 2020558000051 read as a number) become text.

    The ``'`` an export put before a formula-like value is taken off again.
    """

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if text.startswith("'") and text[1:2] and text[1:2] in FORMULA_STARTS:
            text = text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceWidget(widgets.Widget):
    """A choice given by its label (本科, 男, 汉族, 4 年) or by its stored code."""

    def __init__(self, choices: Sequence[tuple[str, object]], column: str) -> None:
        super().__init__()
        self.column = column
        self.by_label = {self._key(str(label)): code for code, label in choices}
        self.by_code = {code: str(label) for code, label in choices}

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"\s+", "", text)

    def clean(self, value, row=None, **kwargs):
        text = TextWidget().clean(value)
        if text == "":
            return ""
        if text in self.by_code:
            return text
        code = self.by_label.get(self._key(text)) or self.by_label.get(self._key(text) + "年")
        if code is None:
            raise ValueError(
                ERR_UNKNOWN_CHOICE
                % {
                    "column": self.column,
                    "value": text,
                    "options": "、".join(self.by_code.values()),
                }
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return self.by_code.get(value, value or "")


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class DateWidget(widgets.Widget):
    """Dates as spreadsheet cells, 2018-09-07, 2018/9/7 or 2018年09月07日."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = TextWidget().clean(value)
        if text == "":
            return None
        match = _DATE.match(text)
        try:
            if match is None:
                raise ValueError
            return datetime.date(*map(int, match.groups()))
        except ValueError:
            raise ValueError(ERR_BAD_DATE % {"value": text}) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class SchoolCodeWidget(widgets.ForeignKeyWidget):
    """院校代码 read as text, so a spreadsheet's number 10001 finds school "10001"."""

    def __init__(self) -> None:
        super().__init__(School, field="code")

    def clean(self, value, row=None, **kwargs):
        return super().clean(TextWidget().clean(value), row=row, **kwargs)


def _field(attribute: str, column: str, widget: widgets.Widget | None = None, **kw) -> fields.Field:
    return fields.Field(
        attribute=attribute, column_name=column, widget=widget or TextWidget(), **kw
    )


PERSON_COLUMNS = {
    "name": "姓名",
    "gender": "性别",
    "birth_date": "出生日期",
    "ethnicity": "民族",
    "id_type": "证件类型",
    "id_number": "证件号码",
}


class EnrollmentRosterResource(resources.ModelResource):
    """学籍名册: the enrolment's columns plus its person's, under Chinese headers."""

    name = _field("person__name", "姓名", readonly=True)
    gender = _field("person__gender", "性别", ChoiceWidget(codes.GENDERS, "性别"), readonly=True)
    birth_date = _field("person__birth_date", "出生日期", DateWidget(), readonly=True)
    ethnicity = _field(
        "person__ethnicity", "民族", ChoiceWidget(codes.ETHNIC_GROUPS, "民族"), readonly=True
    )
    id_type = _field(
        "person__id_type", "证件类型", ChoiceWidget(IdType.choices, "证件类型"), readonly=True
    )
    id_number = _field("person__id_number", "证件号码", readonly=True)
    student_number = _field("student_number", "学号")
    level = _field("level", "层次", ChoiceWidget(codes.LEVELS, "层次"))
    major = _field("major", "专业")
    duration = _field("duration", "学制", ChoiceWidget(codes.DURATIONS, "学制"))
    category = _field("category", "学历类别", ChoiceWidget(codes.CATEGORIES, "学历类别"))
    study_mode = _field("study_mode", "学习形式", ChoiceWidget(codes.STUDY_MODES, "学习形式"))
    branch = _field("branch", "分院")
    department = _field("department", "系")
    class_name = _field("class_name", "班级")
    entry_date = _field("entry_date", "入学日期", DateWidget())
    expected_graduation_date = _field("expected_graduation_date", "预计毕业日期", DateWidget())
    status = _field("status", "学籍状态", ChoiceWidget(codes.ENROLLMENT_STATUSES, "学籍状态"))
    school = _field("school", "院校代码", SchoolCodeWidget())

    class Meta:
        model = Enrollment
        fields = (
            "name", "gender", "birth_date", "ethnicity", "id_type", "id_number",
            "student_number", "level", "major", "duration", "category", "study_mode",
            "branch", "department", "class_name", "entry_date", "expected_graduation_date",
            "status", "school",
        )  # fmt: skip
        import_id_fields = ("school", "student_number")
        skip_unchanged = True
        report_skipped = True
        store_row_values = True
        use_transactions = True
        clean_model_instances = True
        name = gettext_lazy("学籍名册")

    def __init__(self, user=None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self._seen_numbers: dict[tuple[str, str], int] = {}

    # --- which rows may be touched -----------------------------------------------------------

    def get_queryset(self) -> QuerySet:
        return records_visible_to(self.user, Enrollment).select_related("person", "school")

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user") or self.user
        self._seen_numbers = {}

    def before_import_row(self, row, **kwargs):
        if TextWidget().clean(row.get("学号")) == EXAMPLE_STUDENT_NUMBER:
            raise ValidationError({"学号": ERR_TEMPLATE_EXAMPLE})
        code = TextWidget().clean(row.get("院校代码"))
        if is_registrar(self.user):
            own = self.user.school.code
            if code != own:
                raise ValidationError({"院校代码": ERR_OTHER_SCHOOL % {"code": code, "own": own}})
        elif not (staff_sees_everyone(self.user) and School.objects.filter(code=code).exists()):
            raise ValidationError({"院校代码": ERR_UNKNOWN_SCHOOL % {"code": code}})
        number = TextWidget().clean(row.get("学号"))
        first = self._seen_numbers.setdefault((code, number), kwargs["row_number"])
        if first != kwargs["row_number"]:
            raise ValidationError(
                {"学号": ERR_DUPLICATE_NUMBER % {"number": number, "line": line_of(first)}}
            )

    # --- the person of a row -----------------------------------------------------------------

    def _person_facts(self, row) -> tuple[dict[str, object], dict[str, list]]:
        facts: dict[str, object] = {}
        errors: dict[str, list] = {}
        for name, column in PERSON_COLUMNS.items():
            field = self.fields[name]
            try:
                value = field.widget.clean(row.get(column), row=row)
            except ValueError as error:
                errors.setdefault(column, []).append(str(error))
                continue
            if value in ("", None):
                errors.setdefault(column, []).append(str(ERR_REQUIRED))
            if name == "name":
                value = normalize_person_name(str(value))
            facts[name] = value
        return facts, errors

    def _person_for(self, row, enrollment: Enrollment) -> Person:
        """The row's person: found by ID with the same facts, or new. Never changed or swapped."""
        facts, errors = self._person_facts(row)
        if errors:
            raise ValidationError(errors)
        id_type = str(facts.pop("id_type"))
        number = normalize_id_number(id_type, str(facts.pop("id_number")))
        person = Person.objects.filter(id_type=id_type, id_number=number).first()
        if enrollment.pk is not None and (person is None or person.pk != enrollment.person_id):
            raise ValidationError(
                {
                    "学号": ERR_NUMBER_OF_ANOTHER_PERSON
                    % {"number": enrollment.student_number, "person": enrollment.person}
                }
            )
        if person is None:
            person = Person(id_type=id_type, id_number=number, **facts)
            self._clean_person(person)
            person._change_reason = CHANGE_REASON  # type: ignore[attr-defined]  # read by django-simple-history when it saves
            person.save()
            return person
        differs = [name for name, value in facts.items() if getattr(person, name) != value]
        if not differs:
            return person
        if not persons_visible_to(self.user).filter(pk=person.pk).exists():
            raise ValidationError({"证件号码": ERR_PERSON_DOES_NOT_MATCH})
        differences = "、".join(
            str(
                DIFFERENCE
                % {
                    "column": PERSON_COLUMNS[name],
                    "stored": self.fields[name].widget.render(getattr(person, name)),
                }
            )
            for name in differs
        )
        raise ValidationError({"证件号码": ERR_PERSON_DIFFERS % {"differences": differences}})

    @staticmethod
    def _clean_person(person: Person) -> None:
        try:
            person.full_clean()
        except ValidationError as error:
            raise ValidationError(
                {
                    PERSON_COLUMNS.get(name, name): messages
                    for name, messages in error.message_dict.items()
                }
            ) from None

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.pk is not None and instance.withdrawn_at is not None:
            raise ValidationError({"学号": ERR_WITHDRAWN % {"number": instance.student_number}})
        try:
            instance.person = self._person_for(row, instance)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
            errors.setdefault("person", [])  # leave the person out of the model's own check
        if errors:
            raise ValidationError({key: value for key, value in errors.items() if value} or errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.person_id is None:
            errors.setdefault("person", [])
        try:
            super().validate_instance(instance, errors, validate_unique)
        except ValidationError as error:
            raise ValidationError({k: v for k, v in error.message_dict.items() if v}) from None

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or instance.pk is None:
            return False
        for field in self.get_import_fields():
            if field.readonly:
                continue
            if field.get_value(instance) != field.get_value(original):
                return False
        return True

    def do_instance_save(self, instance, is_create):
        instance._change_reason = CHANGE_REASON
        if is_create:
            instance.save(force_insert=True)
        else:
            save_versioned(instance, expected_version=instance.version)

    # --- reporting ---------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        if all(is_blank(value) for value in row.values()):
            result = RowResult()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            result.blank = True
        else:
            result = super().import_row(row, instance_loader, **kwargs)
        result.line = line_of(kwargs["row_number"])
        result.student_number = TextWidget().clean(row.get("学号"))
        result.person_name = TextWidget().clean(row.get("姓名"))
        result.problems = self._problems(result)
        return result

    def _problems(self, result: RowResult) -> list[str]:
        if result.errors:
            return [str(error.error) for error in result.errors]
        if result.validation_error is None:
            return []
        columns = {field.attribute: field.column_name for field in self.fields.values()}
        problems = []
        for key, messages in result.validation_error.message_dict.items():
            label = columns.get(key, key)
            for message in messages:
                problems.append(message if key == "__all__" else f"{label}：{message}")
        return problems

    # --- export ------------------------------------------------------------------------------

    def dehydrate_id_number(self, enrollment: Enrollment) -> str:
        return mask_id_number(enrollment.person.id_number)

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def filter_export(self, queryset: EnrollmentQuerySet, **kwargs: Any) -> EnrollmentQuerySet:
        # A withdrawn 学籍 was a mistake: it is not part of the school's roster.
        return queryset.current().select_related("person", "school")


class EnrollmentRosterFullResource(EnrollmentRosterResource):
    """The same roster with full ID numbers, to edit and import back (staff who may see them)."""

    class Meta(EnrollmentRosterResource.Meta):
        name = gettext_lazy("学籍名册（含完整证件号码，可修改后回导）")

    def dehydrate_id_number(self, enrollment: Enrollment) -> str:
        return enrollment.person.id_number


def import_summary(result) -> str:
    totals = result.totals
    return _("新增 %(new)d 条，更新 %(update)d 条，无变化 %(skip)d 条，错误 %(error)d 条") % {
        "new": totals[RowResult.IMPORT_TYPE_NEW],
        "update": totals[RowResult.IMPORT_TYPE_UPDATE],
        "skip": totals[RowResult.IMPORT_TYPE_SKIP],
        "error": totals[RowResult.IMPORT_TYPE_ERROR] + totals[RowResult.IMPORT_TYPE_INVALID],
    }
