"""查验申请: the employer's public form, and the candidate's list, approval and decline.

The public form's answer never depends on who it names: every valid submission is stored and
answered with the same redirect to the same page (``request-sent``); nothing is matched while
the employer waits (see verification.verifier_requests). It is throttled per address, per
contact email and per candidate typed, each count kept whatever the outcome, so a refusal says
nothing about the candidate either.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import unicodedata

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from records.archive import archive_page
from records.identity import normalize_person_name
from xuexin import throttle
from xuexin.authed import AuthedRequest
from xuexin.network import request_network
from xuexin.refused import Refused

from . import verifier_requests
from .models import VerifierRequest, VerifierRequestAnswer
from .request_forms import ApproveForm, VerifierRequestForm
from .student import record_choices
from .views import privacy_headers


def _per_address(group: str, request: HttpRequest) -> str:
    return settings.VERIFIER_REQUEST_RATE_PER_ADDRESS


def _per_email(group: str, request: HttpRequest) -> str:
    return settings.VERIFIER_REQUEST_RATE_PER_EMAIL


def _per_candidate(group: str, request: HttpRequest) -> str:
    return settings.VERIFIER_REQUEST_RATE_PER_CANDIDATE


def _bucket(text: str, request: HttpRequest) -> str:
    # The cache never holds an email address or a name in clear; an empty field must not put
    # every sender into one shared bucket.
    if not text:
        return "addr:" + (request.META.get("REMOTE_ADDR") or "")
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()[:32]


def typed_contact_email(group: str, request: HttpRequest) -> str:
    return _bucket(request.POST.get("contact_email", "").strip().lower(), request)


def typed_candidate(group: str, request: HttpRequest) -> str:
    name = normalize_person_name(request.POST.get("candidate_name", ""))
    last4 = "".join(unicodedata.normalize("NFKC", request.POST.get("id_last4", "")).split())
    return _bucket(f"{name}|{last4.upper()}" if name or last4 else "", request)


def _private(view):
    """No caching, no indexing, no referrer beyond the site: as the other verifier pages."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return privacy_headers(view(request, *args, **kwargs))

    return wrapper


@_private
@throttle.limit(key="ip", rate=_per_address, method="POST")
@throttle.limit(key=typed_contact_email, rate=_per_email, method="POST")
@throttle.limit(key=typed_candidate, rate=_per_candidate, method="POST")
@require_http_methods(["GET", "POST"])
def request_form(request: HttpRequest) -> HttpResponse:
    form = VerifierRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verifier_requests.request_submit(
            data=form.cleaned_data,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            ip_prefix=request_network(request),
        )
        return redirect("verification:request-sent")
    context = {"form": form, "valid_days": verifier_requests.VALID_DAYS}
    return render(request, "verification/request_form.html", context)


@_private
@require_GET
def request_sent(request: HttpRequest) -> HttpResponse:
    context = {"valid_days": verifier_requests.VALID_DAYS}
    return render(request, "verification/request_sent.html", context)


# --- The candidate's side, in the archive -------------------------------------------------


def _own_requests(request: AuthedRequest):
    """Requests naming the student's person, each with ``answer`` (this account's) and
    ``state``: pending, approved, declined or expired."""
    answers = VerifierRequestAnswer.objects.filter(candidate=request.user).select_related(
        "recipient__report"
    )
    return VerifierRequest.objects.for_person(request.user.person).prefetch_related(
        Prefetch("answers", queryset=answers, to_attr="own_answers")
    )


def _with_state(verifier_request: VerifierRequest) -> VerifierRequest:
    answer = verifier_request.own_answers[0] if verifier_request.own_answers else None
    verifier_request.answer = answer
    if answer is not None:
        state = answer.decision
    else:
        state = "expired" if verifier_request.is_expired() else "pending"
    verifier_request.state = state
    return verifier_request


def _own_request(request: AuthedRequest, public_id) -> VerifierRequest:
    found = _own_requests(request).filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return _with_state(found)


def _asked_records(request: AuthedRequest, verifier_request: VerifierRequest):
    """The student's records of the kinds the employer asked for, as form choices."""
    choices, records = record_choices(request.user.person)
    asked = [(token, label) for token, label in choices
             if token.split(":", 1)[0] in verifier_request.kinds]  # fmt: skip
    return asked, records


@archive_page
@require_GET
def requests_list(request: AuthedRequest) -> HttpResponse:
    rows = [_with_state(row) for row in _own_requests(request)]
    context = {
        "pending": [row for row in rows if row.state == "pending"],
        "answered": [row for row in rows if row.state != "pending"],
        "valid_days": verifier_requests.VALID_DAYS,
    }
    return render(request, "verification/requests_list.html", context)


def _detail(request: AuthedRequest, verifier_request: VerifierRequest, form=None, status=200):
    if form is None and verifier_request.state == "pending":
        choices, _records = _asked_records(request, verifier_request)
        form = ApproveForm(records=choices)
    context = {"asked": verifier_request, "form": form}
    return render(request, "verification/request_detail.html", context, status=status)


@archive_page
@require_GET
def request_detail(request: AuthedRequest, public_id) -> HttpResponse:
    return _detail(request, _own_request(request, public_id))


@archive_page
@require_POST
def request_approve(request: AuthedRequest, public_id) -> HttpResponse:
    verifier_request = _own_request(request, public_id)
    if verifier_request.state != "pending":
        messages.error(request, str(_refusal(verifier_request)))
        return redirect("verification:request", public_id=public_id)
    choices, records = _asked_records(request, verifier_request)
    form = ApproveForm(request.POST, records=choices)
    if not form.is_valid():
        return _detail(request, verifier_request, form=form, status=400)
    try:
        verifier_requests.request_approve(
            verifier_request=verifier_request,
            candidate=request.user,
            record=records[form.cleaned_data["record"]],
            valid_until=form.cleaned_data["valid_until"],
            show_photo=form.cleaned_data["show_photo"],
            hidden_fields=form.hidden_fields(),
            absolute=request.build_absolute_uri,
        )
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("已同意。出具对象验证码已生成，并发送到对方的联系邮箱。"))
    return redirect("verification:request", public_id=public_id)


def _refusal(verifier_request: VerifierRequest) -> object:
    if verifier_request.state == "expired":
        return verifier_requests.ERR_EXPIRED
    return verifier_requests.ERR_ALREADY_ANSWERED


@archive_page
@require_POST
def request_decline(request: AuthedRequest, public_id) -> HttpResponse:
    verifier_request = _own_request(request, public_id)
    if verifier_request.state != "pending":
        messages.error(request, str(_refusal(verifier_request)))
        return redirect("verification:request", public_id=public_id)
    try:
        verifier_requests.request_decline(verifier_request=verifier_request, candidate=request.user)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("已拒绝。对方不会收到您的任何信息。"))
    return redirect("verification:request", public_id=public_id)


@archive_page
@require_POST
def request_resend(request: AuthedRequest, public_id) -> HttpResponse:
    verifier_request = _own_request(request, public_id)
    answer = verifier_request.answer
    try:
        if answer is None:
            raise Refused(verifier_requests.ERR_NOTHING_TO_RESEND)
        verifier_requests.request_resend(answer=answer, absolute=request.build_absolute_uri)
    except Refused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("查验码已重新发送到对方的联系邮箱。"))
    return redirect("verification:request", public_id=public_id)
