"""Staff edit help content in the admin: Markdown with a preview, vote counts in the list."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import ArticleFactory

pytestmark = pytest.mark.django_db

PREVIEW_URL = "admin:helpcenter_article_preview"


def test_the_article_list_shows_yes_and_no_counts(admin_client_):
    article = ArticleFactory(title_zh="被评价的文章")
    for helpful in (True, True, False):
        article.votes.create(visitor=f"{helpful}-{article.votes.count()}", helpful=helpful)

    html = admin_client_.get(reverse("admin:helpcenter_article_changelist")).content.decode()

    assert '<td class="field-helpful_yes">2</td>' in html
    assert '<td class="field-helpful_no">1</td>' in html


def test_the_change_page_shows_the_rendered_body_and_a_preview_button(admin_client_):
    article = ArticleFactory(body_zh="**重点**<script>alert(1)</script>")

    url = reverse("admin:helpcenter_article_change", args=[article.pk])
    html = admin_client_.get(url).content.decode()

    assert "<strong>重点</strong>" in html
    assert "alert(1)</script>" not in html.split('id="preview-body_zh"')[1][:200]
    assert 'data-markdown-preview="/admin/helpcenter/article/preview/"' in html


def test_the_preview_returns_sanitised_html(admin_client_):
    response = admin_client_.post(
        reverse(PREVIEW_URL), {"text": "## 标题\n\n<img src=x onerror=alert(1)>"}
    )

    assert response.status_code == 200
    assert response.json() == {"html": '<h2>标题</h2>\n<p><img src="x"></p>'}


def test_the_preview_is_for_staff_only(client, student):
    client.force_login(student)

    response = client.post(reverse(PREVIEW_URL), {"text": "x"})

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_preview_rejects_get(admin_client_):
    assert admin_client_.get(reverse(PREVIEW_URL)).status_code == 405


def test_the_preview_requires_a_csrf_token(admin_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)

    assert strict.post(reverse(PREVIEW_URL), {"text": "x"}).status_code == 403


def test_staff_can_create_an_article_and_it_records_history(admin_client_):
    category = ArticleFactory().category
    data = {
        "category": category.pk,
        "slug": "new-article",
        "position": 0,
        "title_zh": "新文章",
        "body_zh": "正文",
        "title_en": "",
        "body_en": "",
        "is_published": "on",
    }

    response = admin_client_.post(reverse("admin:helpcenter_article_add"), data)

    assert response.status_code == 302
    assert category.articles.get(slug="new-article").history.count() == 1
