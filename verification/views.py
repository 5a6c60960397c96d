"""Public verification (DESIGN journey 9): the 在线验证 page, the QR target, print, PDF, API.

Unknown, expired and closed codes get one answer, with one status. Every response carries the
privacy headers of DESIGN §4.4. Lookups are throttled per IP; guessing gets 429, never data.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import TypeVar

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from records.models import Qualification
from xuexin import throttle
from xuexin.logging import log_event
from xuexin.network import request_network
from xuexin.private_files import private_file_response
from xuexin.views import throttled_page

from . import codes, credentials, did, pdf, presentation, recipients, services, signing, statuslist
from .forms import VerifyForm, XueliQueryForm
from .models import VerificationEvent

# Two budgets per address, both django-ratelimit counts (xuexin.throttle):
# - VERIFY_RATE: lookups that found nothing (any page), API calls and 学历查询 POSTs. Looking
#   at a live report again (page, print, PDF, photo, QR) costs nothing, so a verifier who
#   checks a report properly is never refused, while guessing codes soon is. Once the budget
#   is spent every public lookup is refused, hits included, so a refusal says nothing.
# - the captcha on the typed form: after VERIFY_CAPTCHA_AFTER typed codes within an hour.
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)

LOOKUPS = "verification.lookups"
TYPED = "verification.typed"


def _typed_rate(group: str, request: HttpRequest) -> str:
    return f"{settings.VERIFY_CAPTCHA_AFTER}/h"


def _lookup_rate(group: str, request: HttpRequest) -> str:
    return settings.VERIFY_RATE


def privacy_headers(response: ResponseT) -> ResponseT:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _spend_lookup(request: HttpRequest) -> int | None:
    return throttle.spend(request, group=LOOKUPS, key="ip", rate=_lookup_rate)


def _needs_captcha(request: HttpRequest) -> bool:
    typed = throttle.hits(request, group=TYPED, key="ip", rate=_typed_rate)
    return typed >= settings.VERIFY_CAPTCHA_AFTER


def _throttled_answer(request: HttpRequest, wait: int, api: bool = False) -> HttpResponse:
    if api:
        log_event("throttle.refused", path=request.path, ip=request_network(request))
        response: HttpResponse = _api_error(429, "too_many_requests")
        response["Retry-After"] = str(wait)
        return response
    return throttled_page(request, wait)


def public_view(view):
    """Refuse once the address's budget is spent, honour ?lang=en, add the privacy headers."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        language = request.GET.get("lang")
        if language in {"en", "zh-hans"}:
            with translation.override(language):
                return privacy_headers(answer(request, *args, **kwargs))
        return privacy_headers(answer(request, *args, **kwargs))

    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = throttle.spent(request, group=LOOKUPS, key="ip", rate=_lookup_rate)
        if wait is not None:
            return _throttled_answer(request, wait)
        return view(request, *args, **kwargs)

    return wrapper


def _missed(request: HttpRequest) -> HttpResponse:
    """The answer for a code that opens nothing; it spends one lookup of the budget."""
    wait = _spend_lookup(request)
    if wait is not None:
        return _throttled_answer(request, wait)
    return _not_found(request)


def _not_found(request: HttpRequest) -> HttpResponse:
    # Switches language by link, like the report itself: a verifier's visit sets no cookie.
    return render(request, "verification/not_found.html", {"language_links": True}, status=404)


@public_view
@require_http_methods(["GET", "POST"])
def verify_form(request: HttpRequest) -> HttpResponse:
    needs_captcha = _needs_captcha(request)
    form = VerifyForm(request.POST or None, needs_captcha=needs_captcha)
    if request.method == "POST" and form.is_valid():
        # Typed codes count towards the captcha; the lookup budget is spent by the page's miss.
        throttle.spend(request, group=TYPED, key="ip", rate=_typed_rate)
        code = form.cleaned_data["code"]
        target = reverse("verification:report", args=[code]) if codes.is_valid_code(code) else None
        if target is None:
            return _missed(request)
        query = "?via=web" + ("&lang=en" if translation.get_language() == "en" else "")
        return redirect(target + query)
    return render(request, "verification/verify.html", {"form": form})


def _channel(request: HttpRequest) -> str:
    return (
        VerificationEvent.Channel.WEB
        if request.GET.get("via") == "web"
        else VerificationEvent.Channel.QR
    )


def _report_context(request: HttpRequest, report) -> dict[str, object]:
    public_url = request.build_absolute_uri(reverse("verification:report", args=[report.code]))
    return {
        **presentation.sheet(report),
        "public_url": public_url,
        "show_photo": bool(report.payload.get("photo")),
        "recipient_label": report.payload.get("recipient", ""),
        "credential_available": did.available(),
        # The report switches language by ?lang= link: a verifier's visit sets no cookie.
        "language_links": True,
    }


@public_view
@require_GET
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    report = services.look_up(code, channel=_channel(request), request=request)
    if report is None:
        return _missed(request)
    return render(request, "verification/report.html", _report_context(request, report))


@public_view
@require_GET
def report_print(request: HttpRequest, code: str) -> HttpResponse:
    report = services.look_up(code, channel=VerificationEvent.Channel.WEB, request=request)
    if report is None:
        return _missed(request)
    return render(request, "verification/print.html", _report_context(request, report))


def _photo_bytes(report) -> bytes | None:
    field = services.photo_field(report) if report.payload.get("photo") else None
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def pdf_response(request: HttpRequest, report) -> HttpResponse:
    public_url = request.build_absolute_uri(reverse("verification:report", args=[report.code]))
    body = pdf.render(report, public_url=public_url, photo=_photo_bytes(report))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{report.code}.pdf"'
    return response


@public_view
@require_GET
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    report = services.look_up(code, channel=VerificationEvent.Channel.WEB, request=request)
    if report is None:
        return _missed(request)
    return pdf_response(request, report)


def credential_response(report, recipient=None) -> HttpResponse:
    """The report's (or recipient code's) verifiable credential, as a file to keep."""
    if not did.available():
        raise Http404  # no XUEXIN_SITE_URL: the site has no DID to issue under
    credential = credentials.report_credential(report, recipient)
    body = json.dumps(credential, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=credentials.MEDIA_TYPE)
    code = (recipient or report).code
    response["Content-Disposition"] = f'attachment; filename="report-{code}.vc.json"'
    return response


@public_view
@require_GET
def report_credential(request: HttpRequest, code: str) -> HttpResponse:
    """The verifiable credential of a live report or recipient code, for a verifier to keep:
    a recipient code's shows that code's label, validity and status, as its page does."""
    found = services.look_up(code, channel=VerificationEvent.Channel.WEB, request=request)
    if found is None:
        return _missed(request)
    if isinstance(found, recipients.RecipientView):
        return credential_response(found.report, found.recipient)
    return credential_response(found)


@public_view
@require_GET
def report_photo(request: HttpRequest, code: str) -> HttpResponse | FileResponse:
    """The photo of a live report whose owner allowed it; no 查验记录 for the image itself."""
    report = recipients.find_live(code)
    if report is None:
        return _missed(request)
    if not report.payload.get("photo"):
        raise Http404
    if isinstance(report, recipients.RecipientView):
        report = report.report  # a recipient code shows its report's photo
    return private_file_response(services.photo_field(report))


def _api_error(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})


def api_report_data(request: HttpRequest, report) -> dict[str, object]:
    return {
        "data": report.signed_payload,
        "signature": report.signature,
        "jwks_url": request.build_absolute_uri(reverse("verification:jwks")),
        "verify_url": request.build_absolute_uri(
            reverse("verification:report", args=[report.code])
        ),
    }


@require_GET
def api_report(request: HttpRequest, code: str) -> HttpResponse:
    # Every API call is a typed lookup: each spends one of the address's budget.
    wait = _spend_lookup(request)
    if wait is not None:
        return privacy_headers(_throttled_answer(request, wait, api=True))
    report = services.look_up(code, channel=VerificationEvent.Channel.API, request=request)
    if report is None:
        return privacy_headers(_api_error(404, "not_found"))
    response = JsonResponse(
        api_report_data(request, report), json_dumps_params={"ensure_ascii": False}
    )
    return privacy_headers(response)


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(signing.jwks())
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _public_json(document: Mapping[str, object], *, content_type: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type=content_type
    )
    # Public keys and status bits, read by verifiers' scripts on other sites too.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def did_document(request: HttpRequest) -> HttpResponse:
    """The did:web document of the site (verification.did): the key that signs credentials."""
    if not did.available():
        raise Http404
    response = _public_json(did.did_document(), content_type="application/did+ld+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def credential_context(request: HttpRequest) -> HttpResponse:
    """The JSON-LD context of the report's own terms in its credentials."""
    response = _public_json(credentials.REPORT_CONTEXT, content_type="application/ld+json")
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _status_list_rate(group: str, request: HttpRequest) -> str:
    return settings.STATUS_LIST_RATE


@throttle.limit(key="ip", rate=_status_list_rate, method=throttle.ALL)
@require_GET
def status_list(request: HttpRequest, kind: str, number: int) -> HttpResponse:
    """A revocation status list credential (verification.statuslist), built as of now."""
    if kind not in statuslist.KIND_OF_LIST or not 1 <= number <= statuslist.MAX_LISTS:
        raise Http404
    if not did.available():
        raise Http404
    credential = credentials.status_list_credential(kind, number)
    response = _public_json(credential, content_type=credentials.MEDIA_TYPE)
    # A report closed a moment ago must read as revoked: never answered from a cache unseen.
    response["Cache-Control"] = "no-cache"
    return response


@public_view
@require_http_methods(["GET", "POST"])
def xueli_query(request: HttpRequest) -> HttpResponse:
    """学历查询 (零散查询): 证书编号 + 姓名 + captcha → the registered diploma, masked."""
    form = XueliQueryForm(request.POST or None)
    found = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        wait = _spend_lookup(request)
        if wait is not None:
            return _throttled_answer(request, wait)
        found = (
            Qualification.objects.filter(
                certificate_number=form.cleaned_data["certificate_number"],
                person__name=form.cleaned_data["name"],
            )
            .select_related("school", "person")
            .first()
        )
        not_found = found is None
        form = XueliQueryForm()
    context = {"form": form, "found": found, "not_found": not_found}
    return render(request, "verification/xueli.html", context)
