"""Password rules beyond Django's own (DESIGN §4.3): long passwords welcome, own numbers not."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from records.models import School

ERR_TOO_LONG = _("密码不能超过 %(max_length)d 个字符")
ERR_PERSONAL_NUMBER = _("密码不能包含本人的手机号或证件号码中的数字")
ERR_GUESSABLE = _(
    "密码太容易被猜到：请不要使用姓名、手机号、证件号码、学校名称、网站名称、年份或常见组合，"
    "换一个更长、更难猜的密码（可以是一句话）"
)

# Names of the site that anyone would try first, in every spelling.
SITE_WORDS = [
    "学信网", "学信档案", "学信", "仿真", "学信网仿真系统", "xuexin", "chsi", "xuexinwang",
]  # fmt: skip


class MaximumLengthValidator:
    def __init__(self, max_length: int = 128) -> None:
        self.max_length = max_length

    def validate(self, password: str, user=None) -> None:
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

    def validate(self, password: str, user=None) -> None:
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


def context_words(user=None) -> list[str]:
    """What an attacker who knows the person tries first: the site's names, every school's
    name (all of them, so a refusal never says which school a person attended), and, for a
    known account, its name, phone, email and ID number with the birth date inside it."""
    words = list(SITE_WORDS)
    words += School.objects.values_list("name", flat=True)
    if user is None:
        return words
    name = getattr(user, "real_name", "") or ""
    phone = getattr(user, "phone", "") or ""
    number = getattr(user, "id_number", "") or ""
    email = getattr(user, "email", "") or ""
    words += [name, phone, phone[-4:], email, email.partition("@")[0]]
    if number:
        words += [number, number[-4:], number[-6:]]
        if len(number) == 18:
            words += [number[6:14], number[6:10], number[10:14]]  # birth date, year, MMDD
    person = getattr(user, "person", None) if getattr(user, "person_id", None) else None
    if person is not None:
        words.append(person.name)
    return [word for word in words if word]


class ContextualStrengthValidator:
    """zxcvbn's guess estimate with the person's context (name, phone, ID, schools, site name).

    A password is refused when zxcvbn scores it below ``min_score`` (2 = at least a million
    guesses even for someone who knows the person): 山东大学2024, 学信网学信网2024, the name
    repeated, 12345678abc. The common-password list (Django's) runs as well.
    """

    def __init__(self, min_score: int = 2) -> None:
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        from zxcvbn import zxcvbn

        # zxcvbn's matchers are quadratic in length; the first 100 characters decide.
        result = zxcvbn(password[:100], user_inputs=context_words(user))
        if result["score"] < self.min_score:
            raise ValidationError(ERR_GUESSABLE, code="password_guessable")

    def get_help_text(self) -> str:
        return str(ERR_GUESSABLE)
