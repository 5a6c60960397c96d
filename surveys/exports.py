"""The result tables as CSV or XLSX: the same figures as the page, hidden ones stay hidden."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from records.roster import neutralise_formula

from .results import Results

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def header() -> list[str]:
    return [_("部分"), _("题号"), _("题目"), _("项目"), _("分组"), _("人数"), _("占比"),
            _("应答人数")]  # fmt: skip


def rows(results: Results) -> list[list[object]]:
    """One row per figure, in a long layout that a spreadsheet can filter and pivot."""
    out: list[list[object]] = []
    for part, groups in ((_("按层次"), results.by_level), (_("按院校"), results.by_school)):
        for group in groups:
            out.append([part, "", "", group.label, "", str(group.answers), group.rate,
                        group.eligible])  # fmt: skip
    labels = [label for _key, label in results.columns]
    for table in results.tables:
        text = table.question.localized_text()
        for label, figure in zip(labels, table.base, strict=True):
            out.append([_("题目统计"), table.number, text, _("答题人数"), label, str(figure),
                        "", ""])  # fmt: skip
        for row in table.rows:
            for label, figure in zip(labels, row.figures, strict=True):
                out.append([_("题目统计"), table.number, text, row.label, label, str(figure),
                            figure.share_text, ""])  # fmt: skip
    return [[_cell(value) for value in row] for row in out]


def _cell(value: object) -> object:
    """Numbers stay numbers; text (lazy labels too) is plain text no spreadsheet will run."""
    if isinstance(value, (int, float)):
        return value
    return neutralise_formula(str(value))


def filename(results: Results, extension: str) -> str:
    scope = results.school.code if results.school else "all"
    return f"survey-{results.survey.cohort}-v{results.survey.version}-{scope}.{extension}"


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def csv_response(results: Results) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    writer.writerows(rows(results))
    # With a byte-order mark, spreadsheet programs read the Chinese text as UTF-8.
    body = "\ufeff" + buffer.getvalue()
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename(results, "csv"))


def xlsx_response(results: Results) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = _("汇总")
    sheet.append(header())
    for row in rows(results):
        sheet.append(row)
    about = book.create_sheet(_("说明"))
    scope = str(results.school) if results.school else _("全部院校")
    for line in (
        [_("调查"), str(results.survey)],
        [_("范围"), scope],
        [_("导出时间"), f"{timezone.localtime():%Y-%m-%d %H:%M}"],
        [_("说明"), results.legend],
        [_("仿真系统"), _("本文件来自仿真系统，数据均为虚构。")],
    ):
        about.append([_cell(value) for value in line])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    return _attachment(response, filename(results, "xlsx"))
