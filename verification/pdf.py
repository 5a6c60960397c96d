"""A4 PDF of a report: embedded Chinese font, the QR code, the 仿真 / SIMULATION watermark.

The PDF carries the same signed data as the public page; it renders on a machine with no
Chinese fonts because the glyphs it uses are embedded.
"""

from __future__ import annotations

import io

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF

from . import codes, presentation
from .fonts import regular_font_path

FONT = "notosc"
BLUE = (26, 95, 180)
INK = (31, 41, 51)
MUTED = (91, 103, 117)
LABEL_WIDTH = 38  # mm, the label column of the record's rows


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


class ReportPDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.add_font(FONT, "", str(regular_font_path()))
        self.set_auto_page_break(auto=False)
        self.set_title(_("在线验证报告（仿真）"))
        self.set_creator("xuexin-sim")

    def watermark(self) -> None:
        """Large diagonal marks behind the content, on every page."""
        self.set_font(FONT, size=54)
        self.set_text_color(226, 232, 240)
        for y in (90, 190, 270):
            with self.rotation(angle=30, x=105, y=y):
                self.text(28, y, "仿真 / SIMULATION")
        self.set_text_color(*INK)


def _label(pdf: FPDF, x: float, y: float, text: str, height: float) -> None:
    """A row's label inside its column: a smaller size if that fits it on one line, else two
    lines (long English labels such as "Department (institute, correspondence centre)")."""
    pdf.set_xy(x, y)
    for size in (10, 9, 8):
        pdf.set_font(FONT, size=size)
        if pdf.get_string_width(text) <= LABEL_WIDTH - 3:  # a gap before the value
            pdf.cell(LABEL_WIDTH, height, text, border="B")
            return
    pdf.multi_cell(LABEL_WIDTH, height / 2, text, border="B", align="L")


def render(report, *, public_url: str, photo: bytes | None) -> bytes:
    payload = report.payload
    pdf = ReportPDF()
    pdf.add_page()
    pdf.watermark()

    pdf.set_fill_color(255, 194, 51)
    pdf.set_font(FONT, size=9)
    pdf.set_xy(15, 10)
    pdf.cell(180, 7, _("本报告由学信网仿真系统生成，仅用于教学与测试，不具有任何证明效力。"),
             fill=True, align="C")  # fmt: skip

    pdf.set_xy(15, 24)
    pdf.set_font(FONT, size=18)
    pdf.set_text_color(*BLUE)
    pdf.cell(180, 10, presentation.title(payload), align="C")
    pdf.set_text_color(*INK)

    pdf.set_font(FONT, size=10)
    pdf.set_xy(15, 38)
    recipient = payload.get("recipient")
    if recipient:
        pdf.set_xy(15, 34)
        pdf.cell(180, 6, _("出具对象：") + str(recipient), align="C")
        pdf.set_xy(15, 41)
    pdf.cell(90, 6, _("更新日期：") + presentation.format_date(str(payload["updated_at"])))
    pdf.cell(90, 6, _("有效期至：") + presentation.format_date(str(payload["valid_until"])),
             align="R")  # fmt: skip

    top = 48
    pdf.set_draw_color(221, 227, 234)
    left = 15
    photo_hidden = presentation.photo_hidden(payload)
    width = 130 if photo or photo_hidden else 180
    row_height = 8.2
    for index, row in enumerate(presentation.rows(payload)):
        y = top + index * row_height
        pdf.set_text_color(*MUTED)
        _label(pdf, left, y, row.label, row_height)
        pdf.set_xy(left + LABEL_WIDTH, y)
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, size=11)
        pdf.cell(width - LABEL_WIDTH, row_height, row.value, border="B")
    if photo:
        pdf.image(io.BytesIO(photo), x=152, y=top, w=42, h=56)
    elif photo_hidden:
        pdf.set_draw_color(*MUTED)
        pdf.rect(152, top, 42, 56, style="D")
        pdf.set_text_color(*MUTED)
        pdf.set_font(FONT, size=9)
        pdf.set_xy(153, top + 22)
        pdf.multi_cell(40, 5, _("照片") + "\n" + str(presentation.HIDDEN_BY_HOLDER), align="C")
        pdf.set_draw_color(221, 227, 234)

    bottom = top + len(presentation.rows(payload)) * row_height + 8
    pdf.image(_qr_png(public_url), x=15, y=bottom, w=36, h=36)
    pdf.set_xy(56, bottom + 2)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(140, 6, _("在线验证码"))
    pdf.set_xy(56, bottom + 9)
    pdf.set_font(FONT, size=18)
    pdf.set_text_color(*INK)
    pdf.cell(140, 9, codes.group(report.code))
    pdf.set_xy(56, bottom + 20)
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*MUTED)
    note = _("扫描二维码或访问 %(url)s 查验本报告。报告数据带有数字签名，可离线核验。")
    pdf.multi_cell(140, 5, note % {"url": public_url}, align="L")
    return bytes(pdf.output())
