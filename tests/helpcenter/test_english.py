"""The English help centre: interface strings translated, content from the English fields."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

ARTICLE = "/help/registration/id-number-taken/"


def test_an_article_is_shown_in_english(english, help_content):
    html = english.get(ARTICLE).content.decode()

    assert "ID number already registered</h1>" in html
    assert "Category:" in html
    assert "Updated:" in html
    assert "20 Nov 2026" in html
    assert "我要重新注册" not in html


def test_the_vote_question_is_in_english(english, help_content):
    html = english.get(ARTICLE).content.decode()

    assert "Was this answer helpful?" in html
    assert "这个回答是否有用" not in html


def test_the_hotline_is_marked_as_simulated_in_english(english, help_content):
    html = english.get(reverse("helpcenter:index")).content.decode()

    assert "010-82199588" in html
    assert "simulation" in html.split("help-hotline-note")[1][:200].lower()


def test_an_empty_search_explains_what_to_do_in_english(english, help_content):
    html = english.get(reverse("helpcenter:search"), {"q": "zzzz"}).content.decode()

    assert "No articles found for" in html
    assert "没有找到" not in html


def test_search_results_are_counted_in_english(english, help_content):
    html = english.get(reverse("helpcenter:search"), {"q": "watermark"}).content.decode()

    assert "articles found for" in html or "article found for" in html


def test_the_login_sidebar_is_translated():
    with translation.override("en"):
        html = render_to_string("helpcenter/includes/login_sidebar.html")

    assert "Who can register" in html
    assert "since 2002" in html
    assert "注册对象" not in html


def test_no_chinese_interface_string_is_left_on_the_english_article_page(english, help_content):
    html = english.get(ARTICLE).content.decode()
    main = html[html.index('class="help-banner"') : html.index('class="site-footer"')]

    chinese = [
        line.strip() for line in main.splitlines() if any("\u4e00" <= ch <= "\u9fff" for ch in line)
    ]

    # Only the 仿真 mark may stay in Chinese (it is the simulation's brand on every page).
    assert all("仿真" in line for line in chinese), chinese
