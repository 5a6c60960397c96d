"""Deployment checks: production signs reports with a configured key, never an invented one,
and knows its own address, without which it issues no verifiable credentials."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import did


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


@register(Tags.security, deploy=True)
def site_url_configured(app_configs, **kwargs):
    """Without an origin in XUEXIN_SITE_URL the site has no DID: the credential downloads are
    hidden, and /.well-known/did.json and the status lists answer 404 (verification.did)."""
    if settings.DEBUG or did.available():
        return []
    return [
        Warning(
            "XUEXIN_SITE_URL is not set, or is not an origin: the site issues no verifiable "
            "credentials and serves no DID document or status list.",
            hint="Set it to the address students reach the site at, e.g. "
            "https://xuexin-sim.example (no path).",
            id="verification.W001",
        )
    ]
