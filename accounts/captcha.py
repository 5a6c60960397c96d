"""Captcha challenges without look-alike characters, so nobody fails on 0/O or 1/I/L."""

from __future__ import annotations

import secrets

from captcha.fields import CaptchaTextInput
from django.conf import settings

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def unambiguous_challenge() -> tuple[str, str]:
    text = "".join(secrets.choice(ALPHABET) for _ in range(settings.CAPTCHA_LENGTH))
    return text, text


class CaptchaInput(CaptchaTextInput):
    """The library's widget, with an image description in the reader's language and only
    attributes valid HTML allows (no ``autocorrect``; no text-field limits on the hidden key)."""

    template_name = "accounts/widgets/captcha.html"
    HIDDEN_FIELD_ONLY = ("id", "name", "type", "value")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget in context["widget"]["subwidgets"]:
            subwidget["attrs"].pop("autocorrect", None)
            if subwidget["type"] == "hidden":
                subwidget["attrs"] = {
                    key: val for key, val in subwidget["attrs"].items() if key == "id"
                }
        return context
