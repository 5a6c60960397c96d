"""Help centre test helpers: the shipped content, factories, and a clean render cache."""

from __future__ import annotations

import datetime

import factory
import pytest
from django.core.cache import cache
from django.utils import timezone

from helpcenter.content import load_help_content
from helpcenter.models import Announcement, Article, Category


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"test-category-{n}")
    name_zh = factory.Sequence(lambda n: f"测试分类{n}")
    name_en = factory.Sequence(lambda n: f"Test category {n}")


class ArticleFactory(factory.django.DjangoModelFactory[Article]):
    class Meta:
        model = Article

    category = factory.SubFactory(CategoryFactory)
    slug = factory.Sequence(lambda n: f"test-article-{n}")
    title_zh = factory.Sequence(lambda n: f"测试文章{n}")
    title_en = factory.Sequence(lambda n: f"Test article {n}")
    body_zh = "测试正文。"
    body_en = "Test body."


class AnnouncementFactory(factory.django.DjangoModelFactory[Announcement]):
    class Meta:
        model = Announcement

    title_zh = factory.Sequence(lambda n: f"测试公告{n}")
    title_en = factory.Sequence(lambda n: f"Test announcement {n}")
    body_zh = "公告正文。"
    body_en = "Announcement body."
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered article bodies are cached; no test may see another test's HTML."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def help_content(db) -> None:
    """The categories, articles and announcements that ship in help_content.json."""
    load_help_content()


@pytest.fixture
def english(client):
    """The client switched to English through the header's language switch."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client
