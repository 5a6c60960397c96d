"""Deployment check: production signs reports with a configured key, never an invented one."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    if settings.DEBUG or settings.REPORT_SIGNING_KEY or settings.REPORT_SIGNING_KEY_FILE_ALLOWED:
        return []
    return [
        Error(
            "XUEXIN_REPORT_SIGNING_KEY is not set: verification reports cannot be signed.",
            hint="Set it to the PEM of an Ed25519 private key (see README, Deploying).",
            id="verification.E001",
        )
    ]


@register(Tags.security, deploy=True)
def report_code_key_configured(app_configs, **kwargs):
    if settings.DEBUG or settings.REPORT_CODE_KEY_CONFIGURED:
        return []
    return [
        Error(
            "XUEXIN_REPORT_CODE_KEY is not set: report codes would depend on DJANGO_SECRET_KEY "
            "and die with its rotation.",
            hint="Set it to 32+ random characters and keep it as long as reports live.",
            id="verification.E002",
        )
    ]
