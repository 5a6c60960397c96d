"""Turn signed report data into labelled rows, in the reader's language (zh or en)."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from records.models import DegreeAward, Enrollment, Person, Qualification
from xuexin.fields import concrete_field

from . import codes
from .services import SUBJECT_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TITLES = {
    "xueji": _("教育部学籍在线验证报告（仿真）"),
    "xueli": _("教育部学历证书电子注册备案表（仿真）"),
    "xuewei": _("中国高等教育学位在线验证报告（仿真）"),
}

LABELS: dict[str, StrOrPromise] = {
    "name": _("姓名"),
    "gender": _("性别"),
    "birth_date": _("出生年月"),
    "ethnicity": _("民族"),
    "id_number": _("证件号码"),
    "school": _("学校名称"),
    "level": _("层次"),
    "major": _("专业"),
    "duration": _("学制"),
    "category": _("学历类别"),
    "study_mode": _("学习形式"),
    "branch": _("分院"),
    "department": _("系(所、函授站)"),
    "class_name": _("班级"),
    "student_number": _("学号"),
    "entry_date": _("入学日期"),
    "expected_graduation_date": _("预计毕业日期"),
    "status": _("学籍状态"),
    "graduation_date": _("毕(结)业日期"),
    "conclusion": _("毕(结)业"),
    "president_name": _("校(院)长姓名"),
    "certificate_number": _("证书编号"),
    "degree_type": _("学位类型"),
    "discipline": _("学科门类"),
    "award_date": _("授予日期"),
}
DEGREE_LABELS = {"school": _("学位授予单位"), "level": _("学位级别")}
# What a report shows in place of a field (or the photo) its holder chose not to show.
HIDDEN_BY_HOLDER = _("本人选择不显示")

# Where the choices of a coded field live, per kind of report.
_CHOICE_SOURCES: dict[str, type[models.Model]] = {"gender": Person, "ethnicity": Person}
_RECORD_MODEL: dict[str, type[models.Model]] = {
    "xueji": Enrollment,
    "xueli": Qualification,
    "xuewei": DegreeAward,
}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: str
    hidden: bool = False


def format_date(text: str) -> str:
    if len(text) == 7 and text[4] == "-":  # YYYY-MM: a birth month on public pages
        year, month = text.split("-")
        if (get_language() or "").startswith("zh"):
            return f"{year}年{month}月"
        return text
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return text
    if (get_language() or "").startswith("zh"):
        return f"{day:%Y}年{day:%m}月{day:%d}日"
    return day.isoformat()


@functools.lru_cache(maxsize=64)
def _choices(kind: str, key: str) -> dict[str, object]:
    """Code → (lazy) label for a coded field; translated only when one label is shown."""
    model = _CHOICE_SOURCES.get(key) or _RECORD_MODEL[kind]
    try:
        field = concrete_field(model, key)
    except Exception:  # noqa: BLE001 - a key that is not a model field has no choices
        return {}
    return dict(field.choices or [])


def rows(payload: dict[str, object]) -> list[Row]:
    kind = str(payload["kind"])
    subject = payload["subject"]
    assert isinstance(subject, dict)
    result = []
    hidden = set(hidden_items(payload))
    # The order of the real reports, not the storage order (PostgreSQL's jsonb sorts keys).
    for key in SUBJECT_FIELDS[kind]:
        degree_label = DEGREE_LABELS.get(key) if kind == "xuewei" else None
        label = str(degree_label or LABELS.get(key, key))
        if key in hidden:
            result.append(Row(key=key, label=label, value=str(HIDDEN_BY_HOLDER), hidden=True))
            continue
        value = str(subject.get(key, ""))
        choices = _choices(kind, key)
        if choices:
            value = str(choices.get(value, value))
        elif key.endswith("_date"):
            value = format_date(value)
        result.append(Row(key=key, label=label, value=value or "—"))
    return result


def hidden_items(payload: dict[str, object]) -> list[str]:
    """The fields (and "photo") the holder chose not to show; none on reports before v2."""
    hidden = payload.get("hidden") or []
    assert isinstance(hidden, list)
    return [str(name) for name in hidden]


def photo_hidden(payload: dict[str, object]) -> bool:
    return "photo" in hidden_items(payload)


def title(payload: dict[str, object]) -> str:
    return str(TITLES[str(payload["kind"])])


def sheet(report) -> dict[str, object]:
    """What the report sheet (verification/_report_body.html) shows of a report or recipient
    code, for the public page, its print view and the owner's page alike."""
    payload = report.payload
    return {
        "report": report,
        "payload": payload,
        "rows": rows(payload),
        "title": title(payload),
        "grouped_code": codes.group(report.code),
        "photo_hidden": photo_hidden(payload),
        "updated_display": format_date(str(payload["updated_at"])),
        "valid_display": format_date(str(payload["valid_until"])),
    }
