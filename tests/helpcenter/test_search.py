"""Search over titles and bodies in both languages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from helpcenter.models import SearchSynonym
from helpcenter.search import RESULT_CAP, highlight

from .conftest import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def search(client, query: str) -> str:
    return client.get(reverse("helpcenter:search"), {"q": query}).content.decode()


def results_of(html: str) -> str:
    return html[html.index('id="search-title"') :]


def test_it_finds_an_article_by_a_chinese_term(client, help_content):
    html = results_of(search(client, "重新注册"))

    assert 'href="/help/registration/id-number-taken/"' in html


def test_it_finds_an_article_by_an_english_term(client, help_content):
    html = results_of(search(client, "deactivated"))

    assert 'href="/help/registration/id-number-taken/"' in html


def test_an_english_term_finds_articles_from_the_chinese_interface_with_an_english_snippet(
    client, help_content
):
    html = results_of(search(client, "watermark"))

    assert 'lang="en"' in html
    assert "<mark>watermark</mark>" in html


def test_matches_are_highlighted_in_titles_and_snippets(client, help_content):
    html = results_of(search(client, "短信验证码"))

    assert "收不到<mark>短信验证码</mark>怎么办" in html
    assert html.count("<mark>") > 3


def test_english_matches_ignore_case(client, help_content):
    html = results_of(search(client, "VERIFICATION CODE"))

    assert "online-verification-report" in html


def test_every_term_must_match(client):
    ArticleFactory(title_zh="甲乙", body_zh="正文")
    ArticleFactory(title_zh="甲", body_zh="正文")

    html = results_of(search(client, "甲 乙"))

    assert "<mark>甲</mark><mark>乙</mark>" in html
    assert "找到 1 篇" in html


def test_a_search_with_no_result_suggests_categories_and_the_hotline(client, help_content):
    html = results_of(search(client, "火星移民"))

    assert "没有找到与“火星移民”相关的文章" in html
    assert 'href="/help/registration/"' in html
    assert 'href="/help/archive/"' in html
    assert "010-82199588" in html


def test_an_empty_query_asks_for_a_keyword(client, help_content):
    html = results_of(search(client, "   "))

    assert "请在上方输入关键词" in html
    assert "没有找到" not in html


def test_the_query_is_escaped_before_highlighting(client):
    ArticleFactory(title_zh="<b>粗体</b> 标记说明", body_zh="正文")

    html = results_of(search(client, "<b>"))

    assert "<mark>&lt;b&gt;</mark>粗体" in html
    assert "<b>粗体" not in html


def test_highlight_escapes_the_text_around_matches():
    assert highlight("a<script>b", ["b"]) == "a&lt;script&gt;<mark>b</mark>"


def test_unpublished_articles_are_not_found(client):
    ArticleFactory(title_zh="隐藏的草稿文章", is_published=False)

    assert "没有找到" in results_of(search(client, "隐藏的草稿"))


def test_results_are_capped_and_paginated(client):
    category = CategoryFactory()
    ArticleFactory.create_batch(RESULT_CAP + 5, category=category, body_zh="批量生成的测试正文")

    html = results_of(search(client, "批量生成"))

    assert f"超过 {RESULT_CAP} 篇" in html
    assert "page=2" in html


def test_the_search_page_stays_within_its_query_budget(
    client, help_content, django_assert_max_num_queries
):
    # Synonym groups and content version (the result cache key), matching ids, the page's
    # articles, categories and navigation articles.
    with django_assert_max_num_queries(6):
        client.get(reverse("helpcenter:search"), {"q": "验证码"})


def test_a_repeated_search_is_answered_from_the_cache(
    client, help_content, django_assert_max_num_queries
):
    client.get(reverse("helpcenter:search"), {"q": "验证码"})

    # Synonym groups, content version, the page's articles, categories, navigation articles.
    with django_assert_max_num_queries(5):
        client.get(reverse("helpcenter:search"), {"q": "验证码"})


def test_a_new_article_shows_up_in_a_search_that_was_cached(client):
    search(client, "新近发布")
    ArticleFactory(title_zh="新近发布的文章")

    assert "找到 1 篇" in results_of(search(client, "新近发布"))


# Queries as people type them, and the article that must come first (issue: help search that
# understands Chinese word forms, and the same in English).
FIRST_HITS = [
    ("zh-hans", "身份证号码重复", "id-number-taken"),
    ("zh-hans", "身份证号重复", "id-number-taken"),
    ("zh-hans", "身份证重复", "id-number-taken"),
    ("zh-hans", "重复注册", "id-number-taken"),
    ("zh-hans", "收不到验证码", "sms-code-not-received"),
    ("zh-hans", "忘记密码", "forgot-username-or-password"),
    ("zh-hans", "找回密码", "forgot-username-or-password"),
    ("zh-hans", "忘记用户名或密码怎么办", "forgot-username-or-password"),
    ("en", "身份证号码重复", "id-number-taken"),
    ("en", "duplicate ID number", "id-number-taken"),
    ("en", "ID number already registered", "id-number-taken"),
    ("en", "SMS code not received", "sms-code-not-received"),
    ("en", "forgot password", "forgot-username-or-password"),
    ("en", "reset my password", "forgot-username-or-password"),
]


@pytest.mark.parametrize(("language", "query", "slug"), FIRST_HITS)
def test_the_right_article_comes_first(client, help_content, language, query, slug):
    client.cookies["django_language"] = language
    html = results_of(search(client, query))

    first = re.search(r'class="help-result-title" href="/help/[a-z-]+/([a-z0-9-]+)/"', html)
    assert first is not None, f"{query!r} found nothing"
    assert first.group(1) == slug


def test_a_synonym_staff_add_in_the_admin_is_used_at_once(client, help_content):
    assert "没有找到" in results_of(search(client, "身份撞车"))

    SearchSynonym.objects.create(terms="身份撞车，身份证号重复")

    html = results_of(search(client, "身份撞车"))
    assert 'href="/help/registration/id-number-taken/"' in html


def test_a_disabled_synonym_group_is_ignored(client, help_content):
    SearchSynonym.objects.create(terms="身份撞车，身份证号重复", is_active=False)

    assert "id-number-taken" not in results_of(search(client, "身份撞车"))


def test_filler_words_alone_do_not_decide(client, help_content):
    html = results_of(search(client, "收不到验证码怎么办"))

    assert 'href="/help/registration/sms-code-not-received/"' in html
