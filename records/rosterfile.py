"""Roster files as school offices make them: Excel's CSV in GBK/GB18030 or UTF-8, and XLSX.

- **Reading CSV.** Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK (GB18030 for rarer
  characters) and "CSV UTF-8" with a byte-order mark; other tools write UTF-8 without one. A BOM
  says UTF-8. Otherwise the file is decoded strictly as UTF-8 and as GB18030 (the superset of
  GBK); a reading that fails is out. When both succeed — short runs of GBK can be valid UTF-8 —
  the reading that contains the roster's header 学号 wins, and failing that the one with fewer
  characters no Chinese roster holds (Hebrew, Cyrillic…). Nothing readable: a Chinese message.
- **Writing CSV.** UTF-8 with a BOM, so Excel shows Chinese instead of mojibake.
- **Headers.** Spaces and the long header 系(所、函授站) are accepted; a missing column is named.
- **Template.** An XLSX workbook with the headers, one example row, text-formatted number
  columns (so Excel keeps 18-digit IDs and leading zeros) and a sheet of the allowed values
  of every coded column, also offered as drop-down lists; and the same headers and row as CSV.
"""

from __future__ import annotations

import codecs
import datetime
import io
import re
from collections.abc import Sequence

import tablib
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from . import codes
from .identity import IdType
from .synthetic import resident_id

ERR_UNDECODABLE = _(
    "无法识别文件的文字编码（支持 UTF-8 和 GBK/GB18030）。请在 Excel 中“另存为”"
    "“Excel 工作簿 (.xlsx)”（推荐）或“CSV UTF-8 (逗号分隔)”后重新上传。"
)
ERR_UTF16 = _(
    "这是“Unicode 文本”（UTF-16，制表符分隔）文件，不是 CSV。请在 Excel 中另存为"
    "“Excel 工作簿 (.xlsx)”（推荐）或“CSV UTF-8 (逗号分隔)”。"
)
ERR_BINARY = _(
    "这不是 CSV 文本文件（可能是 Excel 工作簿）：请在“格式”中选择 xlsx，或另存为 CSV 后重新上传。"
)
ERR_NOT_READABLE = _("无法读取文件：请确认上传的是 CSV 或 XLSX 文件，并且与所选格式一致。")
ERR_MISSING_COLUMNS = _("文件缺少以下列：%(columns)s。请使用模板的表头（第 1 行）。")
ERR_EMPTY = _("文件中没有数据行。")

HEADERS = [
    "姓名", "性别", "出生日期", "民族", "证件类型", "证件号码", "学号", "层次", "专业", "学制",
    "学历类别", "学习形式", "分院", "系", "班级", "入学日期", "预计毕业日期", "学籍状态",
    "院校代码",
]  # fmt: skip
HEADER_ALIASES = {"系(所、函授站)": "系", "系（所、函授站）": "系"}
# Columns Excel must keep as text: long numbers lose digits, leading zeros disappear.
TEXT_COLUMNS = {"证件号码", "学号", "院校代码"}
# The coded columns and their allowed values, as the template lists them.
CODED_COLUMNS: dict[str, Sequence[tuple[str, object]]] = {
    "性别": codes.GENDERS,
    "民族": codes.ETHNIC_GROUPS,
    "证件类型": IdType.choices,
    "层次": codes.LEVELS,
    "学制": codes.DURATIONS,
    "学历类别": codes.CATEGORIES,
    "学习形式": codes.STUDY_MODES,
    "学籍状态": codes.ENROLLMENT_STATUSES,
}
# The template's example row is refused if it is imported by mistake.
EXAMPLE_STUDENT_NUMBER = "EXAMPLE-0001"

# XLSX (a ZIP) and the old XLS (an OLE file) start with these.
BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RosterFileError(ValueError):
    """A file that cannot be read as a roster; the message is for the person who uploaded it."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was written in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise RosterFileError(ERR_UTF16)
    if data.startswith(BINARY_SIGNATURES) or b"\x00" in data[:4096]:
        raise RosterFileError(ERR_BINARY)
    if data.startswith(codecs.BOM_UTF8):
        candidates = {"utf-8-sig": data[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")}
        if "\ufffd" in candidates["utf-8-sig"]:
            raise RosterFileError(ERR_UNDECODABLE)
    else:
        candidates = {}
        for codec in ("utf-8", "gb18030"):
            try:
                candidates[codec] = data.decode(codec)
            except UnicodeDecodeError:
                continue
    if not candidates:
        raise RosterFileError(ERR_UNDECODABLE)
    # Short runs of GBK can also be valid UTF-8 ("专业" reads as Hebrew and Cyrillic). A roster's
    # header row settles it; otherwise the reading with fewer implausible characters wins.
    with_headers = [codec for codec, text in candidates.items() if "学号" in text]
    codec = (
        with_headers[0]
        if with_headers
        else min(candidates, key=lambda name: implausible_characters(candidates[name]))
    )
    text = candidates[codec]
    if _CONTROL.search(text):
        raise RosterFileError(ERR_BINARY)
    return text, codec


def implausible_characters(text: str) -> int:
    """Characters a Chinese roster would not contain (Hebrew, Cyrillic, box drawing…)."""
    return sum(1 for char in text if not _plausible(ord(char)))


def _plausible(code: int) -> bool:
    return (
        code < 0x80
        or 0x00B7 == code
        or 0x00C0 <= code <= 0x017F  # accented Latin letters of foreign names
        or 0x2000 <= code <= 0x206F  # general punctuation
        or 0x3000 <= code <= 0x30FF  # CJK punctuation, kana (the look-alike dot U+30FB)
        or 0x3400 <= code <= 0x4DBF  # CJK Extension A
        or 0x4E00 <= code <= 0x9FFF  # CJK Unified Ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x20000 <= code <= 0x3FFFF  # CJK Extensions B–I
    )


def is_blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def normalise_headers(dataset: tablib.Dataset) -> tablib.Dataset:
    """Trim headers, accept known aliases, and name the columns that are missing."""
    headers = []
    for header in dataset.headers or []:
        text = re.sub(r"\s+", "", str(header or "")).lstrip("\ufeff")
        headers.append(HEADER_ALIASES.get(text, text))
    missing = [column for column in HEADERS if column not in headers]
    if missing:
        raise RosterFileError(ERR_MISSING_COLUMNS % {"columns": "、".join(missing)})
    # Spreadsheets often end in rows that only look empty; blank rows inside are reported.
    while dataset.height and all(is_blank(value) for value in dataset[-1]):
        del dataset[-1]
    if not dataset.height:
        raise RosterFileError(ERR_EMPTY)
    dataset.headers = headers
    return dataset


class RosterCSV(CSV):
    """CSV read as bytes (so the encoding is decided here) and written in UTF-8 with a BOM."""

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream if isinstance(in_stream, bytes) else in_stream.encode("utf-8")
        text, _encoding = decode_text(data)
        try:
            dataset = tablib.import_set(text, format="csv")
        except Exception as error:  # noqa: BLE001 - tablib raises many kinds for bad CSV
            raise RosterFileError(ERR_NOT_READABLE) from error
        return normalise_headers(dataset)

    def export_data(self, dataset, **kwargs) -> bytes:
        return codecs.BOM_UTF8 + dataset.export("csv", **kwargs).encode("utf-8")

    def get_content_type(self) -> str:
        return "text/csv; charset=utf-8"


class RosterXLSX(XLSX):
    def create_dataset(self, in_stream):
        try:
            dataset = super().create_dataset(in_stream)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for bad files
            raise RosterFileError(ERR_NOT_READABLE) from error
        return normalise_headers(dataset)


# --- the template ------------------------------------------------------------------------------


def example_row(school_code: str) -> list[str]:
    birth = datetime.date(2006, 3, 14)
    return [
        "示例学生", "男", birth.isoformat(), "汉族", "居民身份证",
        resident_id("110105", birth, 11), EXAMPLE_STUDENT_NUMBER, "本科", "社会工作", "4 年",
        "普通高等教育", "普通全日制", "社会学院", "社会工作系", "2024级1班", "2024-09-01",
        "2028-07-01", "在籍（注册学籍）", school_code,
    ]  # fmt: skip


def _labels(choices: Sequence[tuple[str, object]]) -> list[str]:
    return [str(label) for _code, label in choices]


def template_csv(school_code: str) -> bytes:
    out = io.StringIO()
    dataset = tablib.Dataset(example_row(school_code), headers=HEADERS)
    out.write(dataset.export("csv"))
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def template_xlsx(school_code: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "学籍名册"
    sheet.append(HEADERS)
    sheet.append(example_row(school_code))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"

    allowed = book.create_sheet("可填值")
    allowed.append(list(CODED_COLUMNS))
    for column, (header, choices) in enumerate(CODED_COLUMNS.items(), start=1):
        letter = get_column_letter(column)
        allowed.cell(row=1, column=column).font = Font(bold=True)
        labels = _labels(choices)
        for row, label in enumerate(labels, start=2):
            allowed.cell(row=row, column=column, value=label)
        allowed.column_dimensions[letter].width = max(12, max(len(x) for x in labels) * 2)
        # A drop-down of the allowed values on the roster sheet (typing stays possible).
        target = get_column_letter(HEADERS.index(header) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'可填值'!${letter}$2:${letter}${len(labels) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        sheet.add_data_validation(validation)
        validation.add(f"{target}2:{target}5000")

    for column, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 22 if header in TEXT_COLUMNS else 14
        if header in TEXT_COLUMNS:
            # The column's style applies to what is typed later; no empty cells are created.
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=column).number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
