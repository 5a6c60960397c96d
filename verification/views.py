"""Public verification (DESIGN journey 9): the 在线验证 page, the QR target, print, PDF, API.

Unknown, expired and closed codes get one answer, with one status. Every response carries the
privacy headers of DESIGN §4.4. Lookups are throttled per IP; guessing gets 429, never data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET, require_http_methods

from accounts.services import request_network
from records.models import Qualification
from records.views import private_file_response
from xuexin import memo
from xuexin.logging import log_event

from . import codes, gate, pdf, presentation, recipients, services, signing
from .forms import VerifyForm, XueliQueryForm
from .models import RecipientCode, VerificationEvent

LOOKUP_COUNTER = "verify-lookups:{ip}"

# Each worker's renderings of report pages, by code, language, host and kind of viewer.
PAGES = memo.Memo(max_entries=2048)


def privacy_headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _count_lookup(request: HttpRequest) -> int:
    key = LOOKUP_COUNTER.format(ip=request.META.get("REMOTE_ADDR", ""))
    cache.add(key, 0, timeout=60 * 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        return 1


def _lookups_so_far(request: HttpRequest) -> int:
    return cache.get(LOOKUP_COUNTER.format(ip=request.META.get("REMOTE_ADDR", "")), 0)


RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@functools.cache
def parse_rate(rate: str) -> tuple[int, int]:
    """'30/10m' → (30 lookups, 600 seconds), in django-ratelimit's notation."""
    match = RATE.match(rate.strip())
    if match is None:
        raise ValueError(f"not a rate: {rate!r}")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * UNIT_SECONDS[unit]


def _throttled(request: HttpRequest, code: str | None = None, channel: str | None = None) -> bool:
    """Count this lookup against its address's budget; True once the budget is spent.

    One round trip to Redis (verification.gate) also reads the code's stamp and, for a
    lookup of ``channel`` that this worker can answer from its copy, records it. When Redis
    cannot be reached every lookup is refused: guessing must never become free.
    """
    limit, window = parse_rate(settings.VERIFY_RATE)
    try:
        return not gate.admit(request, code, channel, limit, window)
    except Exception:  # noqa: BLE001 - unreachable shared cache: fail closed
        return True


def public_view(channel: Callable[[HttpRequest], str] | None = None):  # type: ignore[no-untyped-def]
    """Throttle per IP, honour ?lang=en, add the privacy headers.

    ``channel`` names how a view's lookups are recorded; views that record none leave it out.
    """

    def decorator(view):  # type: ignore[no-untyped-def]
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
            language = request.GET.get("lang")
            if language in {"en", "zh-hans"}:
                with translation.override(language):
                    return privacy_headers(answer(request, *args, **kwargs))
            return privacy_headers(answer(request, *args, **kwargs))

        def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # type: ignore[no-untyped-def]
            code = kwargs.get("code")
            if _throttled(request, code, channel(request) if channel and code else None):
                log_event("throttle.refused", path=request.path, ip=request_network(request))
                response = render(request, "429.html", status=429)
                response["Retry-After"] = "600"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _web(request: HttpRequest) -> str:
    return VerificationEvent.Channel.WEB


def _not_found(request: HttpRequest) -> HttpResponse:
    # Switches language by link, like the report itself: a verifier's visit sets no cookie.
    return render(request, "verification/not_found.html", {"language_links": True}, status=404)


@public_view()
@require_http_methods(["GET", "POST"])
def verify_form(request: HttpRequest) -> HttpResponse:
    needs_captcha = _lookups_so_far(request) >= settings.VERIFY_CAPTCHA_AFTER
    form = VerifyForm(request.POST or None, needs_captcha=needs_captcha)
    if request.method == "POST" and form.is_valid():
        # Typed lookups count towards the captcha; QR and API lookups are throttled instead.
        _count_lookup(request)
        code = form.cleaned_data["code"]
        target = reverse("verification:report", args=[code]) if codes.is_valid_code(code) else None
        if target is None:
            return _not_found(request)
        query = "?via=web" + ("&lang=en" if translation.get_language() == "en" else "")
        return redirect(target + query)
    return render(request, "verification/verify.html", {"form": form})


def _channel(request: HttpRequest) -> str:
    return (
        VerificationEvent.Channel.WEB
        if request.GET.get("via") == "web"
        else VerificationEvent.Channel.QR
    )


def _report_context(request: HttpRequest, report) -> dict[str, object]:  # type: ignore[no-untyped-def]
    public_url = request.build_absolute_uri(reverse("verification:report", args=[report.code]))
    return {
        "report": report,
        "payload": report.payload,
        # Built only if the cached sheet has to be rendered again.
        "rows": SimpleLazyObject(lambda: presentation.rows(report.payload)),
        "title": presentation.title(report.payload),
        "grouped_code": codes.group(report.code),
        "public_url": public_url,
        "show_photo": bool(report.payload.get("photo")),
        "photo_hidden": presentation.photo_hidden(report.payload),
        "recipient_label": report.payload.get("recipient", ""),
        # A recipient code's sheet differs from the report's own (code, validity, 出具对象).
        "sheet_variant": _sheet_variant(report),
        "updated_display": presentation.format_date(str(report.payload["updated_at"])),
        "valid_display": presentation.format_date(str(report.payload["valid_until"])),
        # The report switches language by ?lang= link: a verifier's visit sets no cookie.
        "language_links": True,
    }


def _sheet_variant(report) -> str:  # type: ignore[no-untyped-def]
    recipient = getattr(report, "recipient", None)
    if not isinstance(recipient, RecipientCode):
        return ""
    return f"{recipient.pk}:{recipient.updated_at.timestamp()}"


@public_view(_channel)
@require_GET
def report_page(request: HttpRequest, code: str) -> HttpResponse:
    report = services.look_up(code, channel=_channel(request), request=request)
    if report is None:
        return _not_found(request)
    key = (
        report.code,
        translation.get_language(),
        request.get_host(),
        request.user.is_authenticated,
    )
    return memo.render_kept(
        request, PAGES, key, report.stamps, "verification/report.html",
        lambda: _report_context(request, report),
    )  # fmt: skip


@public_view(_web)
@require_GET
def report_print(request: HttpRequest, code: str) -> HttpResponse:
    report = services.look_up(code, channel=VerificationEvent.Channel.WEB, request=request)
    if report is None:
        return _not_found(request)
    return render(request, "verification/print.html", _report_context(request, report))


def _photo_bytes(report) -> bytes | None:  # type: ignore[no-untyped-def]
    field = services.photo_field(report) if report.payload.get("photo") else None
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def pdf_response(request: HttpRequest, report) -> HttpResponse:  # type: ignore[no-untyped-def]
    public_url = request.build_absolute_uri(reverse("verification:report", args=[report.code]))
    body = pdf.render(report, public_url=public_url, photo=_photo_bytes(report))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{report.code}.pdf"'
    return response


@public_view(_web)
@require_GET
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    report = services.look_up(code, channel=VerificationEvent.Channel.WEB, request=request)
    if report is None:
        return _not_found(request)
    return pdf_response(request, report)


@public_view()
@require_GET
def report_photo(request: HttpRequest, code: str) -> HttpResponse:
    """The photo of a live report whose owner allowed it; no 查验记录 for the image itself."""
    report = recipients.find_live(code)
    if report is None or not report.payload.get("photo"):
        raise Http404
    return private_file_response(services.photo_field(report))


def _api_error(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status, json_dumps_params={"ensure_ascii": False})


def api_report_data(request: HttpRequest, report) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "data": report.signed_payload,
        "signature": report.signature,
        "jwks_url": request.build_absolute_uri(reverse("verification:jwks")),
        "verify_url": request.build_absolute_uri(
            reverse("verification:report", args=[report.code])
        ),
    }


@require_GET
def api_report(request: HttpRequest, code: str) -> JsonResponse:
    if _throttled(request, code, VerificationEvent.Channel.API):
        log_event("throttle.refused", path=request.path, ip=request_network(request))
        response = _api_error(429, "too_many_requests")
        response["Retry-After"] = "600"
        return privacy_headers(response)
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


@public_view()
@require_http_methods(["GET", "POST"])
def xueli_query(request: HttpRequest) -> HttpResponse:
    """学历查询 (零散查询): 证书编号 + 姓名 + captcha → the registered diploma, masked."""
    form = XueliQueryForm(request.POST or None)
    found = None
    not_found = False
    if request.method == "POST" and form.is_valid():
        _count_lookup(request)
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
