"""Template filters of the account pages."""

from __future__ import annotations

from django import template

from accounts import useragents

register = template.Library()


@register.filter
def browser_summary(header: str) -> str:
    return useragents.summary(header or "")
