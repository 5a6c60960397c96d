"""A readable summary of a User-Agent header for 最近登录记录: "Chrome 156 · Windows 10".

ua-parser (the Browserscope rules, kept up to date upstream) does the parsing; the raw header is
never shown, since it is long, unreadable and says more about the device than the owner needs.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext
from ua_parser import parse

MAX_HEADER = 512


@lru_cache(maxsize=256)
def _parts(header: str) -> tuple[str, str]:
    result = parse(header[:MAX_HEADER])
    browser = ""
    if result.user_agent and result.user_agent.family != "Other":
        browser = " ".join(p for p in (result.user_agent.family, result.user_agent.major) if p)
    system = ""
    if result.os and result.os.family != "Other":
        system = " ".join(p for p in (result.os.family, result.os.major) if p)
    return browser, system


def summary(header: str) -> str:
    if not header:
        return ""
    browser, system = _parts(header)
    return " · ".join((browser or gettext("未知浏览器"), system or gettext("未知系统")))
