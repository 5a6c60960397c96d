"""Deployment checks: a production portal never shows codes to whoever asks, nor prints them."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

from .sms import DEVELOPMENT_BACKENDS

DEMO_EMAIL_BACKENDS = {
    "accounts.mail.DatabaseEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
}


@register(Tags.security, deploy=True)
def no_demo_gateways(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    errors = []
    if settings.DEMO_OUTBOX_ENABLED:
        errors.append(
            Error(
                "XUEXIN_DEMO_OUTBOX is on with DEBUG off: /account/outbox/ would show every "
                "SMS code and reset link to anyone.",
                hint="Unset XUEXIN_DEMO_OUTBOX (it follows DEBUG) or set it to false.",
                id="accounts.E001",
            )
        )
    if settings.SMS_BACKEND in DEVELOPMENT_BACKENDS:
        errors.append(
            Error(
                f"XUEXIN_SMS_BACKEND is {settings.SMS_BACKEND}: codes would be printed or "
                "stored instead of reaching a phone.",
                hint="Use accounts.sms.HttpGatewayBackend with XUEXIN_SMS_GATEWAY_URL.",
                id="accounts.E002",
            )
        )
    if settings.SMS_BACKEND == "accounts.sms.HttpGatewayBackend" and not (
        settings.SMS_GATEWAY_URL.startswith("https://")
    ):
        errors.append(
            Error(
                "XUEXIN_SMS_GATEWAY_URL is not an https:// URL: no SMS can be sent.",
                hint="Set XUEXIN_SMS_GATEWAY_URL (and XUEXIN_SMS_GATEWAY_TOKEN).",
                id="accounts.E003",
            )
        )
    if settings.EMAIL_BACKEND in DEMO_EMAIL_BACKENDS:
        errors.append(
            Error(
                f"XUEXIN_EMAIL_BACKEND is {settings.EMAIL_BACKEND}: reset and activation links "
                "would be printed or stored instead of sent.",
                hint="Use django.core.mail.backends.smtp.EmailBackend (the default).",
                id="accounts.E004",
            )
        )
    return errors
