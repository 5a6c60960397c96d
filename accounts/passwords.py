"""Password rules beyond Django's own (DESIGN §4.3): long passwords welcome, own numbers not."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_TOO_LONG = _("密码不能超过 %(max_length)d 个字符")
ERR_PERSONAL_NUMBER = _("密码不能包含本人的手机号或证件号码中的数字")


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:  # type: ignore[no-untyped-def]
        if len(password) > self.max_length:
            raise ValidationError(
                ERR_TOO_LONG, code="password_too_long", params={"max_length": self.max_length}
            )

    def get_help_text(self) -> str:
        return str(ERR_TOO_LONG % {"max_length": self.max_length})


class PersonalNumberValidator:
    """Refuse a password containing the phone number, the ID number or a long run of its digits.

    Birth dates and the tail of an ID number are the first things an attacker who knows the
    person tries. Runs of six or more digits taken from either number are refused.
    """

    min_run = 6

    def validate(self, password: str, user=None) -> None:  # type: ignore[no-untyped-def]
        if user is None:
            return
        numbers = [getattr(user, "phone", "") or "", getattr(user, "id_number", "") or ""]
        lowered = password.lower()
        for number in filter(None, numbers):
            if number.lower() in lowered:
                raise ValidationError(ERR_PERSONAL_NUMBER, code="password_personal_number")
            digits = re.sub(r"\D", "", number)
            for run in re.findall(rf"\d{{{self.min_run},}}", password):
                if any(
                    run[i : i + self.min_run] in digits for i in range(len(run) - self.min_run + 1)
                ):
                    raise ValidationError(ERR_PERSONAL_NUMBER, code="password_personal_number")

    def get_help_text(self) -> str:
        return str(ERR_PERSONAL_NUMBER)
