"""Article bodies: Markdown rendered, then sanitised, with links between articles resolved."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpcenter.markup import render_markdown

from .conftest import ArticleFactory

pytestmark = pytest.mark.django_db


def page_of(client, body: str) -> str:
    article = ArticleFactory.create(body_zh=body)
    url = reverse("helpcenter:article", args=[article.category.slug, article.slug])
    html = client.get(url).content.decode()
    return html[html.index('class="help-article-body"') : html.index('id="vote"')]


def test_a_script_in_the_body_is_removed_with_its_content(client):
    html = page_of(client, "前言\n\n<script>alert('x')</script>\n\n后记")

    assert "<script" not in html
    assert "alert(" not in html
    assert "后记" in html


def test_event_handlers_are_stripped_from_tags(client):
    html = page_of(client, 'Photo <img src="/x.png" onerror="alert(1)"> and <b onclick="x()">b</b>')

    assert "onerror" not in html
    assert "onclick" not in html
    assert '<img src="/x.png">' in html


def test_javascript_links_lose_their_address(client):
    html = page_of(client, '[click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">raw</a>')

    assert "javascript:" not in html.lower()
    assert '<a rel="noopener noreferrer">click</a>' in html


def test_links_are_forced_to_noopener_noreferrer(client):
    html = page_of(client, "[site](https://example.org/) and [mail](mailto:help@example.org)")

    assert '<a href="https://example.org/" rel="noopener noreferrer">site</a>' in html
    assert 'href="mailto:help@example.org"' in html


def test_styles_iframes_and_forms_do_not_survive():
    html = render_markdown(
        '<style>p{}</style><iframe src="https://x"></iframe><form><input></form>'
        '<p style="color:red">text</p>'
    )

    assert "<style" not in html
    assert "<iframe" not in html
    assert "<form" not in html
    assert html.strip() == "<p>text</p>"


def test_an_article_link_resolves_to_the_article_address(client):
    target = ArticleFactory(slug="register-account")

    html = page_of(client, "见[注册帐号](article:register-account)。")

    expected = f'<a href="/help/{target.category.slug}/register-account/"'
    assert expected in html


def test_a_link_to_an_unknown_article_renders_as_plain_text(client):
    html = page_of(client, "见[不存在的文章](article:no-such-article)。")

    assert "<span>不存在的文章</span>" in html
    assert "article:" not in html


def test_a_link_to_an_unpublished_article_renders_as_plain_text():
    ArticleFactory(slug="draft", is_published=False)

    assert render_markdown("[草稿](article:draft)") == "<p><span>草稿</span></p>"


def test_relative_links_stay_as_written():
    html = render_markdown("[立即注册](/account/register/)")

    assert html == '<p><a href="/account/register/" rel="noopener noreferrer">立即注册</a></p>'


def test_headings_are_demoted_below_the_page_title():
    html = render_markdown("# 一级\n\n## 二级")

    assert html == "<h2>一级</h2>\n<h3>二级</h3>"


def test_a_body_that_starts_at_h2_keeps_h2_so_no_level_is_skipped():
    html = render_markdown("## 操作步骤\n\n### 第一步")

    assert html == "<h2>操作步骤</h2>\n<h3>第一步</h3>"


def test_a_changed_article_set_refreshes_cached_links(client):
    page_of(client, "见[后来的文章](article:later)。")  # cached while "later" does not exist
    target = ArticleFactory(slug="later")

    html = page_of(client, "见[后来的文章](article:later)。")

    assert f'href="/help/{target.category.slug}/later/"' in html
