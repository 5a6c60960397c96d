from django.urls import path, register_converter

from . import request_views, student, views


class CodeConverter:
    """Anything that may be a typed code; the views normalise and check it."""

    regex = r"[0-9A-Za-z\-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "verification"

urlpatterns = [
    path("verify/", views.verify_form, name="verify"),
    # Before verify/<code>/: "request" would read as a (malformed) code.
    path("verify/request/", request_views.request_form, name="request-new"),
    path("verify/request/sent/", request_views.request_sent, name="request-sent"),
    path("verify/<code:code>/", views.report_page, name="report"),
    path("verify/<code:code>/print/", views.report_print, name="print"),
    path("verify/<code:code>/report.pdf", views.report_pdf, name="pdf"),
    path("verify/<code:code>/photo.jpg", views.report_photo, name="photo"),
    path("verify/<code:code>/credential.json", views.report_credential, name="credential"),
    path("api/v1/reports/<code:code>", views.api_report, name="api-report"),
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path(".well-known/did.json", views.did_document, name="did"),
    path("credentials/context/v1", views.credential_context, name="credential-context"),
    path("credentials/status/<slug:kind>/<int:number>", views.status_list, name="status-list"),
    path("xueli/", views.xueli_query, name="xueli"),
    path("archive/reports/", student.reports_home, name="mine-list"),
    path("archive/requests/", request_views.requests_list, name="requests"),
    path("archive/requests/<uuid:public_id>/", request_views.request_detail, name="request"),
    path(
        "archive/requests/<uuid:public_id>/approve/",
        request_views.request_approve,
        name="request-approve",
    ),
    path(
        "archive/requests/<uuid:public_id>/decline/",
        request_views.request_decline,
        name="request-decline",
    ),
    path(
        "archive/requests/<uuid:public_id>/resend/",
        request_views.request_resend,
        name="request-resend",
    ),
    # The owner's pages go by the report's public id: a code never sits in a URL it needn't.
    path("archive/reports/<uuid:public_id>/", student.report_detail, name="mine"),
    path("archive/reports/<uuid:public_id>/extend/", student.report_extend, name="mine-extend"),
    path("archive/reports/<uuid:public_id>/close/", student.report_close, name="mine-close"),
    path("archive/reports/<uuid:public_id>/report.pdf", student.report_pdf, name="mine-pdf"),
    path(
        "archive/reports/<uuid:public_id>/credential.json",
        student.report_credential,
        name="mine-credential",
    ),
    path(
        "archive/reports/<uuid:public_id>/recipients/",
        student.recipient_add,
        name="mine-recipient-add",
    ),
    path(
        "archive/reports/<uuid:public_id>/recipients/<uuid:recipient_id>/extend/",
        student.recipient_extend,
        name="mine-recipient-extend",
    ),
    path(
        "archive/reports/<uuid:public_id>/recipients/<uuid:recipient_id>/close/",
        student.recipient_close,
        name="mine-recipient-close",
    ),
    path(
        "archive/reports/<uuid:public_id>/recipients/<uuid:recipient_id>/credential.json",
        student.recipient_credential,
        name="mine-recipient-credential",
    ),
]
