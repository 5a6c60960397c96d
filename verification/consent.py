"""The student's consent to a report (issue: what did the student agree to?).

Issuing a report shows the consent text below, with the scope filled in: which fields the
holder of the code will see, whether the photo is shown, for how long. The report stores the
text's version and that scope, and the student's report page shows both.
"""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _

# Change the version whenever the wording changes; stored reports keep the one they got.
VERSION = "2026-01"

TEXT = _(
    "本人同意：任何持有本报告在线验证码或二维码的人，可以在有效期内查看本报告列出的信息"
    "（证件号码部分隐藏，出生日期只显示年月），每次查看都会记入查验记录。本人可随时关闭报告，"
    "关闭后立即不能再被查看。"
)


def scope(*, kind: str, fields: list[str], show_photo: bool, months: int,
          hidden: list[str] | None = None) -> dict[str, object]:  # fmt: skip
    """What the student agreed to show (and chose to hide), as stored with the report."""
    return {
        "kind": kind,
        "fields": list(fields),
        "hidden": list(hidden or []),
        "photo": show_photo,
        "months": months,
    }


def describe(scope: dict[str, object]) -> str:
    """The stored scope in the reader's language: the fields, the photo, the validity."""
    from .presentation import LABELS

    # Written by scope() above: the field lists are lists of names.
    shown = cast("list[str]", scope.get("fields", []))
    fields = "、".join(str(LABELS.get(name, name)) for name in shown)
    photo = _("显示照片") if scope.get("photo") else _("不显示照片")
    months = _("有效期 %(months)s 个月") % {"months": scope.get("months", "")}
    parts = [fields]
    hidden = cast("list[str]", scope.get("hidden") or [])
    if hidden:
        names = "、".join(str(LABELS.get(name, name)) for name in hidden)
        parts.append(_("不显示：%(fields)s") % {"fields": names})
    return "；".join([*parts, str(photo), str(months)])
