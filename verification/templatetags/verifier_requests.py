"""The 查验申请 waiting for the student, on the archive home's 待处理事项:
``{% pending_verifier_requests as count %}``.

One count query, read afresh on every visit, so an answered request leaves the list at once.
"""

from __future__ import annotations

from django import template

from ..models import VerifierRequest

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_verifier_requests(context: template.Context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    person = getattr(user, "person", None)
    if person is None:
        return 0
    return (
        VerifierRequest.objects.for_person(person).open().exclude(answers__candidate=user).count()
    )
