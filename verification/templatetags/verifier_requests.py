"""The 查验申请 banner on the archive home: ``{% verifier_request_banner %}``.

One count query, read afresh on every visit, so an answered request leaves the banner at once.
"""

from __future__ import annotations

from django import template

from ..models import VerifierRequest

register = template.Library()


@register.inclusion_tag("verification/_requests_banner.html", takes_context=True)
def verifier_request_banner(context: template.Context) -> dict[str, object]:
    request = context.get("request")
    user = getattr(request, "user", None)
    person = getattr(user, "person", None)
    if person is None:
        return {"pending_requests": 0}
    pending = (
        VerifierRequest.objects.for_person(person).open().exclude(answers__candidate=user).count()
    )
    return {"pending_requests": pending}
