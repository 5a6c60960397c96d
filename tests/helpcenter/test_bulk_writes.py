"""Help pages and search results are cached under a version made of the rows' updated_at:
bulk writes must renew it as saves do, or the old renderings would stay."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpcenter.models import Article, SearchSynonym

pytestmark = pytest.mark.django_db


def article_page(client, article: Article) -> str:
    url = reverse("helpcenter:article", args=[article.category.slug, article.slug])
    return client.get(url).content.decode()


def search(client, q: str) -> list[int]:
    """The ids of the articles found."""
    return list(client.get(reverse("helpcenter:search"), {"q": q}).context["page"].object_list)


def test_an_update_renews_the_article_version(help_content, client):
    article = Article.objects.published().first()
    before = Article.objects.content_version()
    assert "批量改写的正文" not in article_page(client, article)
    Article.objects.filter(pk=article.pk).update(body_zh="批量改写的正文")
    assert Article.objects.content_version() != before
    assert "批量改写的正文" in article_page(client, article)


def test_a_bulk_update_renews_the_article_version(help_content, client):
    article = Article.objects.published().first()
    article_page(client, article)
    article.body_zh = "逐条批量改写的正文"
    Article.objects.bulk_update([article], ["body_zh"])
    assert "逐条批量改写的正文" in article_page(client, article)


def test_an_update_of_synonyms_renews_the_search(help_content, client):
    synonym = SearchSynonym.objects.create(terms="qqzzxx、vvkkww", is_active=False)
    article = Article.objects.published().first()
    Article.objects.filter(pk=article.pk).update(title_zh="qqzzxx 的文章")
    assert article.pk not in search(client, "vvkkww")
    SearchSynonym.objects.filter(pk=synonym.pk).update(is_active=True)
    assert article.pk in search(client, "vvkkww")


def test_a_bulk_update_of_synonyms_renews_the_search(help_content, client):
    synonym = SearchSynonym.objects.create(terms="jjyyhh、ffttpp", is_active=False)
    article = Article.objects.published().first()
    Article.objects.filter(pk=article.pk).update(title_zh="jjyyhh 的文章")
    assert article.pk not in search(client, "ffttpp")
    synonym.is_active = True
    SearchSynonym.objects.bulk_update([synonym], ["is_active"])
    assert article.pk in search(client, "ffttpp")
