"""A small open survey for the fixture people, and helpers to answer it.

``survey`` is addressed to 2020届 本科 普通高等教育 graduates: 张测试 (北京大学, 2016–2020) is
eligible; 李另一 (中山大学 本科, 2019–2023) is not.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from surveys.models import Question, QuestionKind, Survey, SurveyStatus
from tests.accounts.conftest import sms_outbox  # noqa: F401 - SMS go to a list, autouse

DESTINATION = [
    {"value": "employed", "label": "就业", "label_en": "Employed"},
    {"value": "study", "label": "升学", "label_en": "Further study"},
    {"value": "seeking", "label": "待就业", "label_en": "Looking for work"},
]
EMPLOYER = [
    {"value": "state", "label": "国有企业", "label_en": "State-owned"},
    {"value": "private", "label": "民营企业", "label_en": "Private"},
]
CHANNELS = [
    {"value": "campus", "label": "校园招聘", "label_en": "Campus"},
    {"value": "online", "label": "招聘网站", "label_en": "Online"},
    {"value": "referral", "label": "亲友介绍", "label_en": "Referral"},
]


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counts live in the default cache, per account id: one test's never reach the
    next one's account with the same id."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def chinese():
    """Code called outside a request speaks Chinese, whatever an earlier request switched to."""
    with translation.override("zh-hans"):
        yield


def make_survey(**overrides: object) -> Survey:
    today = timezone.localdate()
    fields: dict[str, object] = {
        "title": "2020届毕业生就业状况调查（测试）",
        "title_en": "2020 graduates survey (test)",
        "cohort": 2020,
        "levels": ["本科"],
        "categories": ["普通高等教育"],
        "opens_on": today - datetime.timedelta(days=3),
        "closes_on": today + datetime.timedelta(days=30),
        "status": SurveyStatus.PUBLISHED,
    }
    fields.update(overrides)
    survey = Survey.objects.create(**fields)
    specs: list[dict[str, Any]] = [
        {"key": "destination", "kind": QuestionKind.SINGLE, "text": "毕业去向",
         "text_en": "Destination", "options": DESTINATION},
        {"key": "employer", "kind": QuestionKind.SINGLE, "text": "单位性质",
         "text_en": "Employer", "options": EMPLOYER, "show_if_key": "destination",
         "show_if_values": ["employed"]},
        {"key": "city", "kind": QuestionKind.CITY, "text": "工作所在地", "text_en": "Work city",
         "show_if_key": "destination", "show_if_values": ["employed"]},
        {"key": "channels", "kind": QuestionKind.MULTIPLE, "text": "求职渠道",
         "text_en": "Channels", "options": CHANNELS, "required": False,
         "show_if_key": "employer", "show_if_values": ["private"]},
        {"key": "offers", "kind": QuestionKind.NUMBER, "text": "录用通知数量",
         "text_en": "Offers", "min_value": 0, "max_value": 30, "required": False},
        {"key": "province", "kind": QuestionKind.PROVINCE, "text": "生源地", "text_en": "Home",
         "required": False},
        {"key": "note", "kind": QuestionKind.TEXT, "text": "建议", "text_en": "Suggestions",
         "required": False, "max_length": 20},
    ]  # fmt: skip
    for position, spec in enumerate(specs, 1):
        Question.objects.create(survey=survey, position=position, **spec)
    return survey


@pytest.fixture
def survey(people) -> Survey:
    """Open, published, for 2020届 本科 普通高等教育 at every school."""
    return make_survey()


def detail_url(survey: Survey) -> str:
    return reverse("surveys:detail", args=[survey.public_id])


EMPLOYED = {
    "q_destination": "employed",
    "q_employer": "private",
    "q_city": "440100",
    "q_channels": ["campus", "online"],
    "q_offers": "3",
    "q_province": "45",
    "q_note": "多办招聘会",
}
