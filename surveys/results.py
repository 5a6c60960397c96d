"""Result tables of a survey: counts per question, per 层次 and per school, never per person.

Any figure computed from fewer than 5 answers is shown as "<5", so nobody can be picked out of
a small group. Where a table's figures add up (the 全部 column is the sum of the 层次 columns;
the options of a single-choice question add up to the number who answered it), one hidden
figure could be worked out by subtraction; then the smallest visible figure on the same line is
hidden too ("—"), until no line has exactly one hidden figure.

Everything is counted in the database from ``Answer`` rows; a registrar's tables are computed
from their own school's answers only.
"""

from __future__ import annotations

import statistics
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from records import codes
from records.models import School

from .eligibility import eligible_enrollments
from .models import EXCLUSIVE_KINDS, Answer, Question, QuestionKind, ResponseStatus, Survey
from .models import SurveyResponse as Response
from .presentation import value_label

THRESHOLD = 5
SMALL = "<5"
DERIVED = "—"
ALL = "__all__"
OTHER_REGIONS = "__other__"
LEGEND = gettext_lazy(
    "少于 5 份答卷得出的数字显示为“<5”；为防止由合计推算出“<5”的数字而一并隐去的显示为“—”。"
)

Cell = tuple[Hashable, Hashable]


def protect(values: dict[Cell, int], lines: Sequence[Sequence[Cell]]) -> dict[Cell, str]:
    """The cells to hide: under the threshold, and enough others that none can be derived."""
    hidden = {cell: SMALL for cell, value in values.items() if value < THRESHOLD}
    changed = True
    while changed:
        changed = False
        for line in lines:
            visible = [cell for cell in line if cell not in hidden]
            if len(line) - len(visible) == 1 and visible:
                # The smallest figure; on a tie a 层次's rather than the 全部 one.
                smallest = min(visible, key=lambda cell: (values[cell], ALL in cell, str(cell)))
                hidden[smallest] = DERIVED
                changed = True
    return hidden


@dataclass(frozen=True)
class Figure:
    """A count (or a statistic's ``text``), with the mark that hides it, if any."""

    count: int
    hidden: str = ""
    share: float | None = None
    text: str = ""

    def __str__(self) -> str:
        return self.hidden or self.text or str(self.count)

    @property
    def share_text(self) -> str:
        if self.hidden or self.share is None:
            return ""
        return f"{self.share:.1%}"


@dataclass
class Row:
    label: str
    figures: list[Figure]


@dataclass
class QuestionTable:
    number: int
    question: Question
    base: list[Figure]
    rows: list[Row] = field(default_factory=list)
    note: str = ""


@dataclass
class GroupRow:
    label: str
    eligible: int
    answers: Figure
    rate: str


@dataclass
class Results:
    survey: Survey
    school: School | None
    columns: list[tuple[str, str]]
    total: Figure
    eligible: int
    tables: list[QuestionTable]
    by_level: list[GroupRow]
    by_school: list[GroupRow]

    @property
    def legend(self) -> str:
        return str(LEGEND)


def _rate(answers: Figure, eligible: int) -> str:
    if answers.hidden or not eligible:
        return ""
    return f"{answers.count / eligible:.1%}"


def _group_rows(
    keys: list[str], labels: dict[str, str], answered: dict[str, int], eligible: dict[str, int]
) -> tuple[list[GroupRow], Figure]:
    """Answers and response rate per group, with the overall total on the same line."""
    values: dict[Cell, int] = {(key, 0): answered.get(key, 0) for key in keys}
    values[(ALL, 0)] = sum(answered.values())
    hidden = protect(values, [list(values)])
    rows = [
        GroupRow(
            labels[key],
            eligible.get(key, 0),
            answers := Figure(values[(key, 0)], hidden.get((key, 0), "")),
            _rate(answers, eligible.get(key, 0)),
        )
        for key in keys
    ]
    return rows, Figure(values[(ALL, 0)], hidden.get((ALL, 0), ""))


def _question_table(
    number: int,
    question: Question,
    columns: list[str],
    counts: dict[tuple[str, str], int],
    bases: dict[str, int],
) -> QuestionTable:
    """One question: rows of options (or a count of answers), columns 全部 + each 层次."""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        values_in_order = [option["value"] for option in question.options]
    elif question.kind in (QuestionKind.PROVINCE, QuestionKind.CITY):
        totals: dict[str, int] = {}
        for (value, _level), count in counts.items():
            totals[value] = totals.get(value, 0) + count
        # Only places with enough answers get a row; the rest are added up, so a row never
        # says where one person went.
        values_in_order = sorted(
            (v for v, n in totals.items() if n >= THRESHOLD), key=lambda v: (-totals[v], v)
        )
        rare = [v for v, n in totals.items() if n < THRESHOLD]
        if rare:
            for level in columns[1:]:
                counts[(OTHER_REGIONS, level)] = sum(counts.get((v, level), 0) for v in rare)
            values_in_order.append(OTHER_REGIONS)
    else:
        values_in_order = []

    values: dict[Cell, int] = {}
    for column in columns[1:]:
        values[("base", column)] = bases.get(column, 0)
        for value in values_in_order:
            values[(value, column)] = counts.get((value, column), 0)
    for row in ["base", *values_in_order]:
        values[(row, ALL)] = sum(values[(row, column)] for column in columns[1:])
    lines = [[(row, column) for column in columns] for row in ["base", *values_in_order]]
    if question.kind in EXCLUSIVE_KINDS:
        lines += [[(row, column) for row in ["base", *values_in_order]] for column in columns]
    hidden = protect(values, lines)

    def figure(row: str, column: str) -> Figure:
        count, base = values[(row, column)], values[("base", column)]
        share = count / base if row != "base" and base and ("base", column) not in hidden else None
        return Figure(count, hidden.get((row, column), ""), share)

    table = QuestionTable(number, question, [figure("base", column) for column in columns])
    for value in values_in_order:
        label = _("其他地区（合计）") if value == OTHER_REGIONS else value_label(question, value)
        table.rows.append(Row(label, [figure(value, column) for column in columns]))
    if question.kind == QuestionKind.TEXT:
        table.note = _("文字回答只计数；内容仅国家管理员可在单份答卷中查看。")
    return table


def _number_rows(question: Question, columns: list[str], numbers: list, base: list) -> list[Row]:
    """Mean and median per column, where the column's count is shown."""
    rows = []
    for label, function in ((_("平均值"), statistics.fmean), (_("中位数"), statistics.median)):
        figures = []
        for column, count in zip(columns, base, strict=True):
            found = [n for level, n in numbers if column == ALL or level == column]
            if count.hidden or not found:
                figures.append(Figure(0, count.hidden or SMALL))
            else:
                figures.append(Figure(len(found), text=f"{function(found):.1f}"))
        rows.append(Row(label, figures))
    return rows


def compute(survey: Survey, school: School | None = None) -> Results:
    """The survey's result tables, for one school or (school=None) for every school."""
    responses: QuerySet = Response.objects.filter(survey=survey, status=ResponseStatus.SUBMITTED)
    eligible_rows = eligible_enrollments(survey)
    if school is not None:
        responses = responses.filter(school=school)
        eligible_rows = eligible_rows.filter(school=school)

    def tally(queryset: QuerySet, key: str, distinct: str) -> dict[str, int]:
        rows = queryset.values(key).annotate(n=Count(distinct, distinct=True))
        return {str(row[key]): row["n"] for row in rows}

    # A 层次 gets a column where someone is eligible: known from the records, not the answers.
    eligible_by_level = tally(eligible_rows, "level", "person_id")
    level_labels = {level: str(label) for level, label in codes.LEVELS}
    levels = [
        level
        for level, _label in codes.LEVELS
        if level in survey.levels and eligible_by_level.get(level)
    ]
    columns = [ALL, *levels]

    answers = Answer.objects.filter(response__in=responses)
    counts: dict[int, dict[tuple[str, str], int]] = {}
    for row in answers.values("question_id", "response__level", "value").annotate(n=Count("id")):
        key = (row["value"], row["response__level"])
        counts.setdefault(row["question_id"], {})[key] = row["n"]
    bases: dict[int, dict[str, int]] = {}
    per_question = answers.values("question_id", "response__level").annotate(
        n=Count("response_id", distinct=True)
    )
    for row in per_question:
        bases.setdefault(row["question_id"], {})[row["response__level"]] = row["n"]
    numbers: dict[int, list[tuple[str, int | None]]] = {}
    number_rows = answers.filter(question__kind=QuestionKind.NUMBER).values_list(
        "question_id", "response__level", "number"
    )
    for question_id, level, value in number_rows:
        numbers.setdefault(question_id, []).append((level, value))

    tables = []
    for number, question in enumerate(survey.questions.all(), 1):
        table = _question_table(
            number, question, columns, counts.get(question.pk, {}), bases.get(question.pk, {})
        )
        if question.kind == QuestionKind.NUMBER:
            table.rows = _number_rows(question, columns, numbers.get(question.pk, []), table.base)
        tables.append(table)

    answered_by_level = tally(responses, "level", "id")
    by_level, total = _group_rows(levels, level_labels, answered_by_level, eligible_by_level)

    by_school: list[GroupRow] = []
    if school is None:
        answered_by_school = tally(responses, "school_id", "id")
        eligible_by_school = tally(eligible_rows, "school_id", "person_id")
        found = School.objects.filter(
            pk__in=set(answered_by_school) | set(eligible_by_school)
        ).values_list("pk", "code", "name")
        ordered = sorted(found, key=lambda row: row[1])
        keys = [str(pk) for pk, _code, _name in ordered]
        names = {str(pk): f"{name}（{code}）" for pk, code, name in ordered}
        by_school, _total = _group_rows(keys, names, answered_by_school, eligible_by_school)
    eligible = eligible_rows.values("person_id").distinct().count()
    return Results(
        survey=survey,
        school=school,
        columns=[(ALL, _("全部")), *[(level, level_labels[level]) for level in levels]],
        total=total,
        eligible=eligible,
        tables=tables,
        by_level=by_level,
        by_school=by_school,
    )
