"""The survey banner on the 学籍 page and the archive home: ``{% include "surveys/banner.html" %}``.

The student's own response is read afresh on every page, so a survey just submitted shows as
已提交 on the next page at once; the list of open surveys is shared (surveys.eligibility).
"""

from __future__ import annotations

from django import template

from ..eligibility import open_invitations

register = template.Library()


@register.inclusion_tag("surveys/_banners.html", takes_context=True)
def survey_banners(context: template.Context) -> dict[str, object]:
    request = context.get("request")
    user = getattr(request, "user", None)
    # The 学籍 page has read every enrolment of the person already: no need to ask again.
    enrollments = context.get("enrollments")
    loaded = enrollments if isinstance(enrollments, list) else None
    return {"invitations": open_invitations(user, loaded) if user is not None else []}
