"""The help centre's index, category and article pages, in Chinese and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpcenter.models import Article

from .conftest import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

NAVIGATION = [
    "功能简介",
    "实名注册",
    "注册帐号",
    "邮箱激活",
    "实名信息填写",
    "系统登录",
    "身份证号重复",
    "证件号码错误",
    "学信档案",
    "高等教育信息",
    "在线验证报告",
    "纸质认证报告",
    "合作申请",
]
HOTLINE = "010-82199588"


def article_url(slug: str) -> str:
    article = Article.objects.select_related("category").get(slug=slug)
    return reverse("helpcenter:article", args=[article.category.slug, slug])


def help_pages() -> list[str]:
    return [
        reverse("helpcenter:index"),
        reverse("helpcenter:category", args=["registration"]),
        article_url("id-number-taken"),
        reverse("helpcenter:search") + "?q=短信",
        reverse("helpcenter:search") + "?q=nothing-matches-this",
    ]


def test_the_index_shows_the_left_navigation_of_the_seed_in_order(client, help_content):
    html = client.get(reverse("helpcenter:index")).content.decode()
    navigation = html[html.index('id="help-nav-list"') :]

    positions = [navigation.index(f">{entry}<") for entry in NAVIGATION]

    assert positions == sorted(positions)


def test_the_index_lists_hot_questions_per_category(client, help_content):
    html = client.get(reverse("helpcenter:index")).content.decode()

    assert "收不到短信验证码怎么办" in html
    assert "学籍照片有误怎么办" in html
    assert "验证报告过期了怎么办" in html


def test_the_index_is_translated_to_english(english, help_content):
    html = english.get(reverse("helpcenter:index")).content.decode()

    assert "Help centre" in html
    assert "ID number already registered" in html
    assert "身份证号重复" not in html


def test_every_help_page_shows_the_hotline_as_a_simulation(client, help_content):
    for url in help_pages():
        html = client.get(url).content.decode()
        assert HOTLINE in html, url
        assert "仅作仿真展示" in html, url


def test_the_category_page_lists_its_articles(client, help_content):
    response = client.get(reverse("helpcenter:category", args=["archive"]))

    assert response.status_code == 200
    assert "在线验证报告" in response.content.decode()
    assert "注册帐号" not in response.content.decode().split('id="category-title"')[1]


def test_an_unknown_category_is_404(client, help_content):
    assert client.get(reverse("helpcenter:category", args=["no-such-thing"])).status_code == 404


def test_an_article_shows_its_category_and_update_date(client, help_content):
    html = client.get(article_url("id-number-taken")).content.decode()

    assert "问题来源：" in html
    assert 'href="/help/registration/">实名注册</a>' in html
    assert "更新于：" in html
    assert "2026年11月20日" in html


def test_an_article_without_english_falls_back_to_chinese(english):
    article = ArticleFactory(title_en="", body_en="", body_zh="只有中文的正文。")
    url = reverse("helpcenter:article", args=[article.category.slug, article.slug])

    html = english.get(url).content.decode()

    assert article.title_zh in html
    assert "只有中文的正文。" in html


def test_an_unknown_article_is_404(client, help_content):
    url = reverse("helpcenter:article", args=["registration", "no-such-article"])

    assert client.get(url).status_code == 404


def test_an_unpublished_article_is_404(client):
    article = ArticleFactory(is_published=False)
    url = reverse("helpcenter:article", args=[article.category.slug, article.slug])

    assert client.get(url).status_code == 404


def test_an_article_reached_through_another_category_redirects_to_its_own(client):
    article = ArticleFactory()
    other = CategoryFactory()

    response = client.get(reverse("helpcenter:article", args=[other.slug, article.slug]))

    assert response.status_code == 301
    assert response["Location"] == f"/help/{article.category.slug}/{article.slug}/"


def test_the_article_page_stays_within_its_query_budget(
    client, help_content, django_assert_max_num_queries
):
    url = article_url("id-number-taken")
    # Article, content version, categories, navigation articles, hot questions; the render
    # cache is cold, so one more for the article: links in the body.
    with django_assert_max_num_queries(6):
        client.get(url)
