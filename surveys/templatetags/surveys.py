"""The survey banner on the 学籍 page and the archive home: ``{% include "surveys/banner.html" %}``.

Read afresh on every page: a survey just submitted shows as 已提交 on the next page at once.
"""

from __future__ import annotations

from django import template

from ..eligibility import open_invitations

register = template.Library()


@register.inclusion_tag("surveys/_banners.html", takes_context=True)
def survey_banners(context: template.Context) -> dict[str, object]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"invitations": open_invitations(user) if user is not None else []}
