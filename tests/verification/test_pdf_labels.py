"""The PDF's record rows: every label, in either language, stays inside its column."""

from __future__ import annotations

import pytest
from django.utils import translation

from verification import pdf, presentation


def _all_labels() -> list[str]:
    labels = [*presentation.LABELS.values(), *presentation.DEGREE_LABELS.values()]
    return [str(label) for label in labels]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_label_fits_its_column_in_at_most_two_lines(language):
    document = pdf.ReportPDF()
    room = pdf.LABEL_WIDTH - 2 * document.c_margin
    with translation.override(language):
        labels = _all_labels()
    document.set_font(pdf.FONT, size=8)  # the smallest size labels are set in
    too_long = [label for label in labels if document.get_string_width(label) > 2 * room]
    assert not too_long


def test_a_long_english_label_wraps_instead_of_running_into_the_value():
    document = pdf.ReportPDF()
    document.add_page()
    with translation.override("en"):
        label = str(presentation.LABELS["department"])
    pdf._label(document, 15, 50, label, 8.2)
    # Two lines of half the row's height: the cursor ends one row lower, not to the right.
    assert document.get_y() == pytest.approx(58.2)
