"""Validators for account fields."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_MOBILE = _("请输入正确的11位中国大陆手机号")


def normalize_mobile(raw: str | None) -> str:
    """Turn "+86 138-0013-8000" or full-width digits into "13800138000"; never raises."""
    text = "".join(ch for ch in (raw or "") if not ch.isspace() and ch not in "-()")
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return text
    if parsed.country_code != 86:
        return text
    return str(parsed.national_number)


def validate_mobile(value: str) -> None:
    """An 11-digit CN mobile number, checked against the phone number plan (type MOBILE)."""
    if not (len(value) == 11 and value.isascii() and value.isdigit()):
        raise ValidationError(ERR_MOBILE, code="mobile")
    parsed = phonenumbers.parse(value, "CN")
    number_type = phonenumbers.number_type(parsed)
    if number_type not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ) or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(ERR_MOBILE, code="mobile")
