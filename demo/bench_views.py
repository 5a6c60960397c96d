"""The floor rows of `make bench`: what a page's unavoidable work costs, with nothing else.

Routed only when XUEXIN_BENCH_MODE is on (xuexin/urls.py), like the baseline view. Each view
does the round trips its page cannot do without, through the same middleware stack, and
answers a few bytes: no templates, no ORM queries compiled per request, no signed payload.
Where a page's floor is already below its target, no work on the page itself can meet the
target on the benchmark's machine (bench/RESULTS.md).
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from accounts.models import User
from records.models import Enrollment, School
from verification import codes
from verification.models import VerificationEvent, VerificationReport
from verification.services import OUTCOME_OF_STATE
from verification.views import _spend_lookup
from xuexin.network import request_network


@require_GET
def api_floor(request: HttpRequest, code: str) -> HttpResponse:
    """The JSON API's own work, which the public report page does too: the lookup budget
    (Redis), the report by its code's digest (one SELECT) and its 查验记录 (one INSERT); the
    answer names only the state."""
    if _spend_lookup(request) is not None:
        return JsonResponse({"error": "too_many_requests"}, status=429)
    report = VerificationReport.objects.find(codes.normalize_code(code))
    if report is None:
        return JsonResponse({"error": "not_found"}, status=404)
    VerificationEvent.objects.record(
        report_id=report.pk,
        recipient_id=None,
        channel=VerificationEvent.Channel.API,
        outcome=OUTCOME_OF_STATE[report.state],
        ip_prefix=request_network(request),
    )
    return JsonResponse({"state": report.state})


@require_GET
def xueji_floor(request: HttpRequest) -> HttpResponse:
    """The 学籍 page's own work: the session and the account (the middleware, as on the page)
    and the person's enrolments with their schools in one fixed SELECT; the answer is the
    schools' names and the student numbers."""
    user = request.user
    if not isinstance(user, User) or user.person_id is None:  # anonymous, or not bound
        return HttpResponse("login", status=403)
    enrollments = connection.ops.quote_name(Enrollment._meta.db_table)
    schools = connection.ops.quote_name(School._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.name, e.student_number FROM {enrollments} e JOIN {schools} s "  # noqa: S608
            "ON s.id = e.school_id WHERE e.person_id = %s AND e.withdrawn_at IS NULL "
            "ORDER BY e.entry_date DESC, e.id",
            [user.person_id],
        )
        rows = cursor.fetchall()
    body = "".join(f"<p>{escape(name)} {escape(number)}</p>" for name, number in rows)
    return HttpResponse(body)
