"""在线验证报告 in the student's archive: apply, see, extend, close, 查验记录 (journey 8)."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from records.archive import archive_page
from records.display import record_title
from records.models import AnyRecord, DegreeAward, Enrollment, Qualification
from xuexin.authed import AuthedRequest
from xuexin.refused import Refused

from . import consent, did, presentation, recipients, services
from .forms import ApplyForm, CloseForm, ExtendForm, RecipientForm, RecipientValidityForm
from .models import RecipientCode, VerificationReport
from .views import credential_response, pdf_response

RECENT_EVENTS = 20  # per recipient code on the owner's page


def record_choices(person) -> tuple[list[tuple[str, str]], dict[str, AnyRecord]]:
    """The student's records as ``kind:public-id`` choices, and the records by token."""
    if person is None:
        return [], {}
    found: dict[str, AnyRecord] = {}
    choices: list[tuple[str, str]] = []
    for model, kind, label in (
        (Enrollment, "xueji", _("学籍")),
        (Qualification, "xueli", _("学历")),
        (DegreeAward, "xuewei", _("学位")),
    ):
        for record in model.objects.for_person(person).select_related("school", "person"):
            token = f"{kind}:{record.public_id}"
            found[token] = record
            choices.append((token, f"{label} · {record_title(record)}"))
    return choices, found


def _own_reports(request: AuthedRequest):
    return VerificationReport.objects.filter(owner=request.user)


@archive_page
@require_http_methods(["GET", "POST"])
def reports_home(request: AuthedRequest) -> HttpResponse:
    choices, records = record_choices(request.user.person)
    form = ApplyForm(
        request.POST or None, records=choices, initial={"record": request.GET.get("record")}
    )  # its 同意 box carries consent.TEXT, version consent.VERSION
    if request.method == "POST" and form.is_valid():
        record = records[form.cleaned_data["record"]]
        try:
            report = services.report_issue(
                owner=request.user,
                record=record,
                months=form.cleaned_data["months"],
                show_photo=form.cleaned_data["show_photo"],
                hidden_fields=form.hidden_fields(),
                consent_version=consent.VERSION,
            )
        except Refused as refused:
            form.add_error("record", str(refused.message))
        else:
            messages.success(request, _("在线验证报告已生成。"))
            return redirect("verification:mine", public_id=report.public_id)
    reports = list(
        _own_reports(request)
        .select_related("enrollment__school", "qualification__school", "degree__school")
        .annotate(lookups=Count("events", filter=Q(events__outcome="shown")))
    )
    return render(request, "verification/mine_list.html", {"form": form, "reports": reports})


def _own_report(request: AuthedRequest, public_id) -> VerificationReport:
    report = (
        _own_reports(request)
        .filter(public_id=public_id)
        .select_related("enrollment__school", "qualification__school", "degree__school")
        .first()
    )
    if report is None:
        raise Http404
    return report


def _detail_context(request: AuthedRequest, report, **forms: object) -> dict[str, object]:
    public_url = request.build_absolute_uri(reverse("verification:report", args=[report.code]))
    # A viewBox and no fixed size: CSS scales the whole code instead of cropping its edges;
    # the quiet zone is the four modules scanners expect.
    qr_svg = segno.make(public_url, error="m").svg_inline(
        scale=4, border=4, omitsize=True, svgclass="report-qr-code", title=_("在线验证二维码")
    )
    recipient_codes = list(
        report.recipients.annotate(lookups=Count("events", filter=Q(events__outcome="shown")))
    )
    for recipient in recipient_codes:  # at most recipients.MAX_RECIPIENTS_PER_REPORT
        recipient.report = report  # its state reads the report's
        recipient.recent_events = list(recipient.events.all()[:RECENT_EVENTS])
        recipient.public_url = request.build_absolute_uri(
            reverse("verification:report", args=[recipient.code])
        )
        recipient.extend_form = RecipientValidityForm(report=report, prefix=str(recipient.pk))
    live_report = report.is_live()
    context = {
        **presentation.sheet(report),
        "public_url": public_url,
        "qr_svg": mark_safe(qr_svg),  # noqa: S308 - SVG generated here from our own URL
        "events": report.events.select_related("recipient")[:100],
        "extend_form": ExtendForm(),
        "close_form": CloseForm(),
        "recipients": recipient_codes,
        "recipient_form": RecipientForm(report=report) if live_report else None,
        "recipient_limits": {
            "per_report": recipients.MAX_RECIPIENTS_PER_REPORT,
            "per_day": recipients.MAX_NEW_RECIPIENTS_PER_DAY,
        },
        "credential_available": did.available(),
        "consent_text": consent.TEXT,
        "consent_scope": consent.describe(report.consent_scope) if report.consent_scope else "",
    }
    context.update(forms)
    return context


@archive_page
@require_GET
def report_detail(request: AuthedRequest, public_id) -> HttpResponse:
    report = _own_report(request, public_id)
    return render(request, "verification/mine_detail.html", _detail_context(request, report))


@archive_page
@require_POST
def recipient_add(request: AuthedRequest, public_id) -> HttpResponse:
    report = _own_report(request, public_id)
    form = RecipientForm(request.POST, report=report)
    if form.is_valid():
        try:
            recipients.recipient_issue(
                report=report,
                label=form.cleaned_data["label"],
                note=form.cleaned_data["note"],
                valid_until=form.cleaned_data["valid_until"],
            )
        except Refused as refused:
            form.add_error(None, str(refused.message))
        else:
            messages.success(request, _("出具对象验证码已生成。"))
            return redirect("verification:mine", public_id=report.public_id)
    context = _detail_context(request, report, recipient_form=form)
    return render(request, "verification/mine_detail.html", context, status=400)


def _own_recipient(report, recipient_id) -> RecipientCode:
    recipient = report.recipients.filter(public_id=recipient_id).first()
    if recipient is None:
        raise Http404
    return recipient


@archive_page
@require_POST
def recipient_extend(request: AuthedRequest, public_id, recipient_id) -> HttpResponse:
    report = _own_report(request, public_id)
    recipient = _own_recipient(report, recipient_id)
    form = RecipientValidityForm(request.POST, report=report, prefix=str(recipient.pk))
    if form.is_valid():
        try:
            recipients.recipient_extend(
                recipient=recipient, valid_until=form.cleaned_data["valid_until"]
            )
        except Refused as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("出具对象验证码的有效期已更改，验证码不变。"))
    else:
        for error in form.errors.get("valid_until", []):
            messages.error(request, f"{recipient.label}：{error}")
    return redirect("verification:mine", public_id=report.public_id)


@archive_page
@require_POST
def recipient_close(request: AuthedRequest, public_id, recipient_id) -> HttpResponse:
    report = _own_report(request, public_id)
    recipient = _own_recipient(report, recipient_id)
    recipients.recipient_close(recipient=recipient)
    messages.success(request, _("出具对象验证码已关闭，其他验证码不受影响。"))
    return redirect("verification:mine", public_id=report.public_id)


@archive_page
@require_POST
def report_extend(request: AuthedRequest, public_id) -> HttpResponse:
    report = _own_report(request, public_id)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.report_extend(report=report, months=form.cleaned_data["months"])
        except Refused as refused:
            messages.error(request, str(refused.message))
        else:
            messages.success(request, _("有效期已延长，在线验证码不变。"))
    return redirect("verification:mine", public_id=report.public_id)


@archive_page
@require_POST
def report_close(request: AuthedRequest, public_id) -> HttpResponse:
    report = _own_report(request, public_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        services.report_close(report=report, reason=form.cleaned_data["reason"])
        messages.success(request, _("报告已关闭，他人将无法再查验。"))
    else:
        messages.error(request, _("请填写关闭原因。"))
    return redirect("verification:mine", public_id=report.public_id)


@archive_page
@require_GET
def report_pdf(request: AuthedRequest, public_id) -> HttpResponse:
    report = _own_report(request, public_id)
    return pdf_response(request, report)


@archive_page
@require_GET
def report_credential(request: AuthedRequest, public_id) -> HttpResponse:
    """下载可验证凭证: the report as a W3C verifiable credential (verification.credentials)."""
    report = _own_report(request, public_id)
    return credential_response(report)


@archive_page
@require_GET
def recipient_credential(request: AuthedRequest, public_id, recipient_id) -> HttpResponse:
    report = _own_report(request, public_id)
    recipient = _own_recipient(report, recipient_id)
    recipient.report = report
    return credential_response(report, recipient)
