"""How record values read in the active language: dates, lists, brackets, record titles.

Chinese pages write ``2018年09月07日``, ``甲、乙`` and ``（说明）``; English pages write ISO dates,
``a, b`` and `` (note)``. Views, services and templates (``records_tags``) share these helpers, so
no Chinese punctuation reaches an English page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import get_language, gettext

if TYPE_CHECKING:
    from .models import AnyRecord, DegreeAward


def is_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def record_date(value: datetime.date | None) -> str:
    if not value:
        return ""
    if is_chinese():
        return f"{value:%Y}年{value:%m}月{value:%d}日"
    return value.isoformat()


def list_text(items: Iterable[object]) -> str:
    return ("、" if is_chinese() else ", ").join(str(item) for item in items)


def bracketed(text: object) -> str:
    """``（text）`` after Chinese, `` (text)`` after English."""
    return f"（{text}）" if is_chinese() else f" ({text})"


def degree_title(degree: DegreeAward) -> str:
    """法学学士 in Chinese, "Bachelor of Law" in English."""
    return gettext("%(discipline)s%(level)s") % {
        "discipline": degree.get_discipline_display(),
        "level": degree.get_level_display(),
    }


def record_title(record: AnyRecord) -> str:
    """School and what the record is, translated: 中山大学 · 硕士研究生 · 社会保障."""
    from .models import DegreeAward, Enrollment

    parts = [record.school.name]
    if isinstance(record, DegreeAward):
        parts.append(degree_title(record))
    else:
        parts.append(record.get_level_display())
        parts.append(record.major)
        if isinstance(record, Enrollment):
            parts.append(record.student_number)
    return " · ".join(str(part) for part in parts if part)
