"""Helpers for the account tests: the SMS outbox and solving the image captcha."""

from __future__ import annotations

import re

import pytest
from captcha.models import CaptchaStore

from accounts import sms


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS go to a list the test can read."""
    settings.SMS_BACKEND = "accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def captcha_answer(html: str, prefix: str = "captcha") -> dict[str, str]:
    """Read the captcha key from a page and look up its answer, as a person reads the image."""
    match = re.search(rf'name="{prefix}_0" value="([0-9a-f]+)"', html)
    assert match is not None, "no captcha on the page"
    key = match.group(1)
    return {f"{prefix}_0": key, f"{prefix}_1": CaptchaStore.objects.get(hashkey=key).response}


def last_code(outbox) -> str:
    match = re.search(r"\b(\d{6})\b", outbox[-1].text)
    assert match is not None, "no code in the last message"
    return match.group(1)
