"""Display helpers for record cards: dates as 2018年09月07日, 学制 as 3 年."""

from __future__ import annotations

import datetime

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def record_date(value: datetime.date | None) -> str:
    if not value:
        return ""
    if (get_language() or "").startswith("zh"):
        return f"{value:%Y}年{value:%m}月{value:%d}日"
    return value.isoformat()


@register.filter
def correction_label(correction, which: str) -> str:  # type: ignore[no-untyped-def]
    """The current or proposed value of a correction request, as the cards show it."""
    from records.corrections import label_for

    stored = correction.current_value if which == "current" else correction.proposed_value
    return label_for(correction.record, correction.field, stored)


@register.filter
def correction_field(correction) -> str:  # type: ignore[no-untyped-def]
    from records.corrections import field_label

    return field_label(correction.record, correction.field)


@register.filter
def public_id_number(person) -> str:  # type: ignore[no-untyped-def]
    """A person's ID number as public pages show it where the birth date is not shown."""
    from records.masking import public_id_mask

    return public_id_mask(person.id_type, person.id_number, None, person.gender)
