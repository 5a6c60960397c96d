"""Display helpers for record cards (records.display): dates, lists, brackets, titles."""

from __future__ import annotations

import datetime

from django import template

from records import display

register = template.Library()


@register.filter
def record_date(value: datetime.date | None) -> str:
    return display.record_date(value)


@register.filter
def list_text(items) -> str:
    """甲、乙 on Chinese pages, "a, b" on English ones."""
    return display.list_text(items)


@register.filter
def bracketed(text: object) -> str:
    """（说明） on Chinese pages, " (note)" on English ones."""
    return display.bracketed(text)


@register.filter
def record_title(record) -> str:
    return display.record_title(record)


@register.filter
def degree_title(degree) -> str:
    return display.degree_title(degree)


@register.filter
def correction_label(correction, which: str) -> str:
    """The current or proposed value of a correction request, as the cards show it."""
    from records.corrections import label_for

    stored = correction.current_value if which == "current" else correction.proposed_value
    return label_for(correction.record, correction.field, stored)


@register.filter
def correction_field(correction) -> str:
    from records.corrections import field_label

    return field_label(correction.record, correction.field)


@register.filter
def public_id_number(person) -> str:
    """A person's ID number as public pages show it where the birth date is not shown."""
    from records.masking import public_id_mask

    return public_id_mask(person.id_type, person.id_number, None, person.gender)
